package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatCodecTest {

    @Test
    void aBeatSurvivesTheTripThroughJson() throws IOException {
        Heartbeat beat = new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "office", "/mnt/mirror",
                Heartbeat.RUNNING, 1000, 2000, new Heartbeat.Change("file", "a/b.txt", 5_000_000, 5000, 5300), 0L,
                new Heartbeat.Counters(3, 2, 100, 1));

        String json = HeartbeatCodec.toJson(beat);

        assertThat(json).contains("\"role\":\"consumer\"", "\"mirror\":\"office\"", "\"path\":\"a/b.txt\"",
                "\"lagMillis\":0");
        assertThat(HeartbeatCodec.fromJson(json)).isEqualTo(beat);
    }

    @Test
    void aProducersBeatNamesTheMirrorsItDroppedUntilTheirRepair() throws IOException {
        Heartbeat beat = new Heartbeat(1, Heartbeat.PRODUCER, "laptop:99", "ferry.changes", null, "/srv", Heartbeat.RUNNING,
                1000, 2000, null, null, new Heartbeat.Counters(3, 2, 100, 0, 0L),
                Map.of("offsite", new Heartbeat.Dropped(1_740_830_405_000L, 2_200_000_000L, 2L << 30)));

        String json = HeartbeatCodec.toJson(beat);

        assertThat(json).contains("\"mirrorsNeedingRepair\":{\"offsite\":{\"droppedAt\":1740830405000,"
                + "\"backlogBytes\":2200000000,\"limitBytes\":2147483648}}");
        assertThat(HeartbeatCodec.fromJson(json)).isEqualTo(beat);
        assertThat(HeartbeatCodec.fromJson(json).mirrorsNeedingRepair().get("offsite").dropped())
                .isEqualTo(Instant.parse("2025-03-01T12:00:05Z"));
        Heartbeat none = new Heartbeat(1, Heartbeat.PRODUCER, "laptop:99", "ferry.changes", null, "/srv",
                Heartbeat.RUNNING, 1000, 2000, null, null, null, Map.of());
        assertThat(HeartbeatCodec.toJson(none)).as("none: the field is left out").doesNotContain("mirrorsNeedingRepair");
    }

    @Test
    void aBeatNamesTheBrokerItWasPublishedToAndABeatFromAnOlderSenderNamesNone() throws IOException {
        Heartbeat beat = new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "offsite", "/mnt/mirror",
                Heartbeat.RUNNING, 1000, 2000, null, 0L, new Heartbeat.Counters(3, 2, 100, 1)).withBroker("site-b");

        String json = HeartbeatCodec.toJson(beat);

        assertThat(json).contains("\"broker\":\"site-b\"");
        assertThat(HeartbeatCodec.fromJson(json)).isEqualTo(beat);
        assertThat(HeartbeatCodec.fromJson(json).broker()).isEqualTo("site-b");
        Heartbeat unnamed = beat.withBroker(null);
        assertThat(HeartbeatCodec.toJson(unnamed)).as("not known: the field is left out").doesNotContain("broker");
        assertThat(HeartbeatCodec.fromJson(HeartbeatCodec.toJson(unnamed))).isEqualTo(unnamed);
        assertThat(HeartbeatCodec.fromJson("{\"version\":1,\"role\":\"consumer\",\"id\":\"h:1\","
                + "\"mirror\":\"offsite\",\"sentAt\":7}").broker()).as("a sender older than the field").isNull();
    }

    @Test
    void fieldsOfALaterVersionAreIgnoredAndABeatWithoutRoleIsRefused() throws IOException {
        Heartbeat later = HeartbeatCodec.fromJson("{\"version\":2,\"role\":\"producer\",\"id\":\"h:1\","
                + "\"sentAt\":7,\"mood\":\"cheerful\"}");
        assertThat(later.role()).isEqualTo(Heartbeat.PRODUCER);
        assertThat(later.last()).isNull();
        assertThat(HeartbeatCodec.fromJson("{\"version\":1,\"role\":\"consumer\",\"id\":\"h:1\"}").mirror())
                .as("a consumer of before mirrors names none").isNull();
        assertThatThrownBy(() -> HeartbeatCodec.fromJson("{\"version\":1,\"id\":\"h:1\"}"))
                .isInstanceOf(IOException.class);
    }
}
