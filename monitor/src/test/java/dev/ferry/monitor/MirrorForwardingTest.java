package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Given the latest heartbeats a broker holds and the links it has up, when status looks at a
 * mirror, then the mirror is consumed elsewhere only if its consumers' beats name another broker
 * and none names this one.
 */
class MirrorForwardingTest {

    private static final long NOW = 1_740_830_400_000L;
    private static final StatusReport.Mirror OFFSITE = new StatusReport.Mirror("offsite",
            new StatusReport.Destination("Consumer.offsite.VirtualTopic.ferry.changes", 472, 0, null, null),
            new StatusReport.Destination("DLQ.Consumer.offsite.VirtualTopic.ferry.changes", 0, 0, null, null));

    @Test
    void aMirrorWhoseConsumerBeatsAtAnotherBrokerWaitsHereToBeForwardedThereOverALinkUpOrDown() {
        List<Heartbeat> beats = List.of(consumer("offsite", Heartbeat.RUNNING, 1, "site-b"),
                consumer("default", Heartbeat.RUNNING, 2, "site-a"), producer(3, "site-a"));

        assertThat(MirrorForwarding.of(OFFSITE, beats, "site-a", List.of("site-b")))
                .isEqualTo(new StatusReport.Forwarding("site-b", 472, true));
        assertThat(MirrorForwarding.of(OFFSITE, beats, "site-a", List.of()))
                .isEqualTo(new StatusReport.Forwarding("site-b", 472, false));
        assertThat(MirrorForwarding.of(OFFSITE, beats, "site-a", List.of("site-c")))
                .as("a link up, but to another broker").isEqualTo(new StatusReport.Forwarding("site-b", 472, false));
        assertThat(MirrorForwarding.of(OFFSITE, beats, "site-a", null)).as("links not known")
                .isEqualTo(new StatusReport.Forwarding("site-b", 472, null));
    }

    @Test
    void aMirrorConsumedHereOrWhoseConsumersAreNotKnownIsNotForwarded() {
        assertThat(MirrorForwarding.of(OFFSITE, List.of(consumer("offsite", Heartbeat.RUNNING, 1, "site-a")),
                "site-a", List.of("site-b"))).as("consumed here").isNull();
        assertThat(MirrorForwarding.of(OFFSITE, List.of(consumer("offsite", Heartbeat.RUNNING, 1, "site-b")),
                null, List.of("site-b"))).as("this broker gave no name").isNull();
        assertThat(MirrorForwarding.of(OFFSITE, List.of(consumer("offsite", Heartbeat.RUNNING, 1, null)),
                "site-a", List.of("site-b"))).as("a consumer older than brokers in beats").isNull();
        assertThat(MirrorForwarding.of(OFFSITE, List.of(consumer("default", Heartbeat.RUNNING, 1, "site-b"),
                producer(2, "site-b")), "site-a", List.of("site-b"))).as("no beat of the mirror's consumer").isNull();
        assertThat(MirrorForwarding.of(OFFSITE, null, "site-a", List.of("site-b"))).as("beats not read").isNull();
        StatusReport.Mirror legacy = new StatusReport.Mirror(null, OFFSITE.queue(), OFFSITE.deadLetters());
        assertThat(MirrorForwarding.of(legacy, List.of(consumer(null, Heartbeat.RUNNING, 1, "site-b")), "site-a",
                List.of("site-b"))).as("the queue of before mirrors").isNull();
    }

    @Test
    void runningConsumersSpeakForTheMirrorAndAmongStoppedOnesTheNewest() {
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.STOPPED, 9, "site-a"), consumer("offsite", Heartbeat.RUNNING, 1, "site-b")),
                "site-a")).as("moved to site-b; the one that stopped here does not count").isEqualTo("site-b");
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.STOPPED, 9, "site-b"), consumer("offsite", Heartbeat.RUNNING, 1, "site-a")),
                "site-a")).as("moved here").isNull();
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.STOPPED, 9, "site-b"), consumer("offsite", Heartbeat.STOPPED, 1, "site-a")),
                "site-a")).as("none running: the newest").isEqualTo("site-b");
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.STOPPED, 1, "site-b"), consumer("offsite", Heartbeat.STOPPED, 9, "site-a")),
                "site-a")).as("none running, the newest here").isNull();
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.RUNNING, 9, "site-b"), consumer("offsite", Heartbeat.RUNNING, 1, "site-a")),
                "site-a")).as("running at both: some is consumed here").isNull();
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.RUNNING, 9, "site-b"), consumer("offsite", Heartbeat.RUNNING, 1, null)),
                "site-a")).as("one that does not say where it is may be here").isNull();
        assertThat(MirrorForwarding.consumedElsewhere("offsite", List.of(
                consumer("offsite", Heartbeat.RUNNING, 1, "site-c"), consumer("offsite", Heartbeat.RUNNING, 9, "site-b")),
                "site-a")).as("running at two other sites: the newest beat's").isEqualTo("site-b");
    }

    /** The latest beat of a consumer of {@code mirror}, sent {@code secondsAfter} seconds after NOW, at {@code broker}. */
    private static Heartbeat consumer(String mirror, String state, int secondsAfter, String broker) {
        return new Heartbeat(1, Heartbeat.CONSUMER, "host:" + secondsAfter, "ferry.changes", mirror, "/mnt/" + mirror,
                state, NOW - 60_000, NOW + secondsAfter * 1000L, null, 0L, new Heartbeat.Counters(0, 0, 0, 0))
                .withBroker(broker);
    }

    private static Heartbeat producer(int secondsAfter, String broker) {
        return new Heartbeat(1, Heartbeat.PRODUCER, "laptop:" + secondsAfter, "ferry.changes", null, "/srv",
                Heartbeat.RUNNING, NOW - 60_000, NOW + secondsAfter * 1000L, null, null, null).withBroker(broker);
    }
}
