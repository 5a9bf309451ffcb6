package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch's decisions on statistics a test makes up, one look at a time. */
class MirrorWatchTest {

    private static final long MIB = 1L << 20;
    private static final long LIMIT = 10 * MIB;
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path state;

    private final FakeBroker broker = new FakeBroker();
    private final MutableClock clock = new MutableClock(NOW);
    private MirrorMarks marks;
    private MirrorWatch watch;

    @BeforeEach
    void watch() throws IOException {
        marks = MirrorMarks.load(state);
        watch = new MirrorWatch(broker, marks, MirrorBudget.of(LIMIT), clock);
    }

    @Test
    void aMirrorWithoutAConsumerPastTheLimitAtTwoLooksInARowIsMarkedThenDropped() throws IOException {
        broker.queue("default", 5 * MIB, 1);
        broker.queue("offsite", 11 * MIB, 0);

        watch.round();
        assertThat(broker.dropped).as("one look is not enough").isEmpty();
        clock.advance(MirrorWatch.INTERVAL);
        broker.queue("offsite", 12 * MIB, 0);
        watch.round();

        assertThat(broker.dropped).containsExactly("offsite");
        assertThat(broker.markedWhenDropped).as("marked durably before its queue goes").containsExactly(true);
        assertThat(MirrorMarks.load(state).all()).containsExactly(
                Map.entry("offsite", new MirrorMark(NOW.plus(MirrorWatch.INTERVAL), 12 * MIB, LIMIT)));
        watch.round();
        assertThat(broker.dropped).as("its queue is gone").containsExactly("offsite");
    }

    @Test
    void aMirrorWithAConsumerOrWithinTheLimitIsKeptHoweverLarge() {
        broker.queue("slow", 500 * MIB, 1);
        broker.queue("small", LIMIT, 0);

        for (int look = 0; look < 3; look++) {
            watch.round();
        }

        assertThat(broker.dropped).isEmpty();
        assertThat(marks.all()).isEmpty();
    }

    @Test
    void aConsumerSeenBetweenTwoLooksStartsTheCountAgain() {
        broker.queue("offsite", 20 * MIB, 0);
        watch.round();
        broker.queue("offsite", 20 * MIB, 1); // reconnecting
        watch.round();
        broker.queue("offsite", 20 * MIB, 0);
        watch.round();
        assertThat(broker.dropped).isEmpty();

        watch.round();
        assertThat(broker.dropped).containsExactly("offsite");
    }

    @Test
    void aConsumerThatAttachesAsTheMirrorIsDroppedKeepsItAndItsMarkOfBefore() throws IOException {
        MirrorMark earlier = new MirrorMark(NOW.minus(Duration.ofDays(1)), 30 * MIB, LIMIT);
        marks.mark("offsite", earlier);
        broker.queue("offsite", 20 * MIB, 0);
        broker.consumerArrivesAtTheDrop = true;

        watch.round();
        watch.round();

        assertThat(broker.dropped).isEmpty();
        assertThat(MirrorMarks.load(state).all()).containsExactly(Map.entry("offsite", earlier));
    }

    @Test
    void aDropTheBrokerRefusesTakesTheMarkBackAndIsTriedAgainAtTheNextLook() throws IOException {
        broker.queue("offsite", 20 * MIB, 0);
        broker.failure = new JMSSecurityException("User ferry-producer is not authorized to remove: queue://...");

        watch.round();
        watch.round();
        assertThat(broker.dropped).isEmpty();
        assertThat(MirrorMarks.load(state).all()).isEmpty();

        broker.failure = null;
        watch.round();
        assertThat(broker.dropped).containsExactly("offsite");
    }

    @Test
    void aBrokerThatCannotBeAskedIsSkippedAndTheCountGoesOnFromWhereItWas() {
        broker.queue("offsite", 20 * MIB, 0);
        watch.round();
        broker.lookFailure = new JMSException("the broker is away");

        watch.round();
        assertThat(broker.dropped).isEmpty();

        broker.lookFailure = null;
        watch.round();
        assertThat(broker.dropped).containsExactly("offsite");
    }

    @Test
    void theDefaultLimitIsLoweredWithManyMirrorQueues() throws IOException {
        watch = new MirrorWatch(broker, marks, MirrorBudget.automatic(), clock);
        for (int i = 0; i < 7; i++) {
            broker.queue("m" + i, MIB, 1);
        }
        broker.queue("offsite", 900 * MIB, 0); // 6 GiB / 8 queues = 768 MiB

        watch.round();
        watch.round();

        assertThat(broker.dropped).containsExactly("offsite");
        assertThat(marks.all().get("offsite").limitBytes()).isEqualTo(768 * MIB);
    }

    /** The stream's mirror queues as a test says they are, and the drops asked for. */
    private final class FakeBroker implements MirrorQueueAccess {
        final Map<String, MirrorBacklog> queues = new TreeMap<>();
        final List<String> dropped = new ArrayList<>();
        final List<Boolean> markedWhenDropped = new ArrayList<>();
        Exception failure;
        Exception lookFailure;
        boolean consumerArrivesAtTheDrop;

        void queue(String mirror, long bytes, long consumers) {
            queues.put(mirror, new MirrorBacklog(mirror, "Consumer." + mirror + ".VirtualTopic.s", bytes / 1000, bytes,
                    consumers));
        }

        @Override
        public List<MirrorBacklog> look() throws Exception {
            if (lookFailure != null) {
                throw lookFailure;
            }
            return List.copyOf(queues.values());
        }

        @Override
        public boolean drop(String mirror) throws Exception {
            if (failure != null) {
                throw failure;
            }
            if (consumerArrivesAtTheDrop) {
                return false;
            }
            markedWhenDropped.add(MirrorMarks.load(state).isMarked(mirror));
            dropped.add(mirror);
            queues.remove(mirror);
            return true;
        }

        @Override
        public String broker() {
            return "tcp://broker:61616";
        }

        @Override
        public void close() {
        }
    }
}
