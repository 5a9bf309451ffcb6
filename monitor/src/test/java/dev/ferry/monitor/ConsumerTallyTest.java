package dev.ferry.monitor;

import static dev.ferry.monitor.Events.dir;
import static dev.ferry.monitor.Events.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.consumer.CommittedBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerTallyTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void lagIsTheAgeOfTheLastChangeAppliedWhileMoreWaitAndZeroOnceTheQueueIsEmpty() {
        MutableClock clock = new MutableClock(T0);
        ConsumerTally tally = new ConsumerTally(clock);
        assertThat(tally.lag()).as("nothing applied yet").isZero();

        tally.committed(new CommittedBatch(2, 10, List.of(dir("d", T0.minusSeconds(9)), file("d/f", 10, T0.minusSeconds(5))),
                List.of(), T0));
        clock.advance(Duration.ofSeconds(1));
        assertThat(tally.lag()).isEqualTo(Duration.ofSeconds(6));

        tally.idle();
        assertThat(tally.lag()).isZero();
        ConsumerTally.Snapshot snapshot = tally.snapshot();
        assertThat(snapshot.events()).isEqualTo(2);
        assertThat(snapshot.files()).isEqualTo(1);
        assertThat(snapshot.bytes()).isEqualTo(10);
        assertThat(snapshot.last().path()).isEqualTo("d/f");
        assertThat(snapshot.last().behind()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void everyCommitAndTheFirstIdleMoveTheVersionSoAHeartbeatGoesOut() {
        ConsumerTally tally = new ConsumerTally(new MutableClock(T0));
        long start = tally.version();
        tally.idle();
        tally.idle();
        assertThat(tally.version()).isEqualTo(start + 1);
        tally.committed(new CommittedBatch(1, 0, List.of(), List.of(), T0));
        assertThat(tally.version()).isEqualTo(start + 2);
    }
}
