package dev.ferry.monitor;

import dev.ferry.producer.MirrorMark;
import dev.ferry.producer.MirrorMarks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

/** The heartbeats of a producer and of a consumer, made from their tallies. */
public final class Heartbeats {

    private Heartbeats() {
    }

    /**
     * The beat of the producer of {@code source} on {@code queue}, counted by {@code tally}, announcing
     * the mirrors it dropped ({@code marks}).
     */
    public static HeartbeatSource producer(ProducerTally tally, ProcessIdentity identity, String queue, Path source,
                                           MirrorMarks marks, Clock clock) {
        return producer(tally, identity, queue, source, marks, () -> 0, clock);
    }

    /** The same, saying how many directories of the source its watcher cannot watch ({@code unwatched}). */
    public static HeartbeatSource producer(ProducerTally tally, ProcessIdentity identity, String queue, Path source,
                                           MirrorMarks marks, IntSupplier unwatched, Clock clock) {
        Instant started = clock.instant();
        return new HeartbeatSource() {
            @Override
            public Heartbeat beat(String state) {
                ProducerTally.Snapshot now = tally.snapshot();
                return new Heartbeat(Heartbeat.VERSION, Heartbeat.PRODUCER, identity.id(), queue, null, source.toString(),
                        state, started.toEpochMilli(), clock.millis(), Heartbeat.Change.of(now.last()), null,
                        new Heartbeat.Counters(now.events(), now.files(), now.bytes(), 0, now.unnameable(),
                                now.wireBytes()),
                        dropped(marks.all())).withUnwatchedDirectories(unwatched.getAsInt());
            }

            @Override
            public long version() {
                return tally.version() + marks.version();
            }
        };
    }

    private static Map<String, Heartbeat.Dropped> dropped(Map<String, MirrorMark> marks) {
        Map<String, Heartbeat.Dropped> dropped = new TreeMap<>();
        marks.forEach((mirror, mark) -> dropped.put(mirror, new Heartbeat.Dropped(mark.droppedAt().toEpochMilli(),
                mark.backlogBytes(), mark.limitBytes())));
        return dropped;
    }

    /**
     * The beat of the consumer applying {@code mirror} of the stream {@code queue} to
     * {@code destination}, counted by {@code tally}.
     */
    public static HeartbeatSource consumer(ConsumerTally tally, ProcessIdentity identity, String queue, String mirror,
                                           Path destination, Clock clock) {
        Instant started = clock.instant();
        return new HeartbeatSource() {
            @Override
            public Heartbeat beat(String state) {
                ConsumerTally.Snapshot now = tally.snapshot();
                return new Heartbeat(Heartbeat.VERSION, Heartbeat.CONSUMER, identity.id(), queue, mirror,
                        destination.toString(), state, started.toEpochMilli(), clock.millis(),
                        Heartbeat.Change.of(now.last()), now.lag().toMillis(),
                        new Heartbeat.Counters(now.events(), now.files(), now.bytes(), now.deadLettered(), null,
                                now.wireBytes()));
            }

            @Override
            public long version() {
                return tally.version();
            }
        };
    }

    /**
     * {@code source}, with the path of each beat's last change made by {@code protect} (encrypted, on
     * an encrypted stream: the status topic passes through the broker too).
     */
    public static HeartbeatSource protecting(HeartbeatSource source, UnaryOperator<String> protect) {
        return new HeartbeatSource() {
            @Override
            public Heartbeat beat(String state) {
                return source.beat(state).withLastPath(protect);
            }

            @Override
            public long version() {
                return source.version();
            }
        };
    }
}
