package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirrorDropsTest {

    private static final Map<String, Heartbeat.Dropped> OFFSITE_DROPPED =
            Map.of("offsite", new Heartbeat.Dropped(1_000, 3_000_000, 1_048_576));

    /** Found by MirrorBacklogTest: the stopped producer's last beat, kept by the broker, announced the drop for ever. */
    @Test
    void aLaterBeatOfTheSameSourceSaysWhatItsProducerKnowsNow() {
        Heartbeat stopped = producer("nas:10", Heartbeat.STOPPED, 5_000, OFFSITE_DROPPED);
        Heartbeat restartedAndRepaired = producer("nas:11", Heartbeat.RUNNING, 9_000, Map.of());

        assertThat(MirrorDrops.of(List.of(stopped, restartedAndRepaired), "offsite")).isEmpty();
        assertThat(MirrorDrops.of(List.of(restartedAndRepaired, stopped), "offsite")).as("in any order").isEmpty();
    }

    @Test
    void aStoppedProducersDropStandsWhileNoLaterBeatOfItsSourceSaysOtherwise() {
        Heartbeat stopped = producer("nas:10", Heartbeat.STOPPED, 5_000, OFFSITE_DROPPED);
        Heartbeat otherSource = new Heartbeat(1, Heartbeat.PRODUCER, "laptop:7", "ferry.changes", null, "/home/me",
                Heartbeat.RUNNING, 1_000, 9_000, null, null, null, Map.of());

        assertThat(MirrorDrops.of(List.of(stopped, otherSource), "offsite")).singleElement()
                .satisfies(drop -> assertThat(drop.producer()).isEqualTo("nas:10"));
        assertThat(MirrorDrops.of(List.of(stopped, otherSource), "default")).isEmpty();
    }

    private static Heartbeat producer(String id, String state, long sentAt, Map<String, Heartbeat.Dropped> dropped) {
        return new Heartbeat(1, Heartbeat.PRODUCER, id, "ferry.changes", null, "/srv/data", state, 1_000, sentAt, null,
                null, null, dropped);
    }
}
