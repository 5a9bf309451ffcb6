package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.monitor.Heartbeat;
import dev.ferry.monitor.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTextTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final long NOW_MS = NOW.toEpochMilli();
    private static final String DEFAULT_QUEUE = "Consumer.default.VirtualTopic.ferry.changes";
    private static final String OFFSITE_QUEUE = "Consumer.offsite.VirtualTopic.ferry.changes";

    private final StatusReport report = new StatusReport("tcp://nas:61616", "ferry.changes",
            List.of(mirror("default", new StatusReport.Destination(DEFAULT_QUEUE, 3, 1, NOW.minusMillis(4200), null), 0),
                    mirror("offsite", new StatusReport.Destination(OFFSITE_QUEUE, 1200, 0, null,
                            "user ferry-consumer may not browse queue " + OFFSITE_QUEUE), 2)),
            new StatusReport.Mirror(null, new StatusReport.Destination("ferry.changes", 5, 1, NOW.minusSeconds(3600), null),
                    new StatusReport.Destination("DLQ.ferry.changes", 0, 0, null, null)),
            List.of(new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "default", "/mnt/mirror",
                            Heartbeat.RUNNING, NOW_MS - 60_000, NOW_MS - 2000,
                            new Heartbeat.Change("file", "a/b.txt", 1, NOW_MS - 2500, NOW_MS - 2200), 0L,
                            new Heartbeat.Counters(12, 10, 2048, 1, null, 512L)),
                    new Heartbeat(1, Heartbeat.CONSUMER, "old:7", "ferry.changes", null, "/mnt/old", Heartbeat.RUNNING,
                            NOW_MS - 60_000, NOW_MS - 1000, null, 0L, new Heartbeat.Counters(0, 0, 0, 0)),
                    new Heartbeat(1, Heartbeat.PRODUCER, "laptop:99", "ferry.changes", null, "/home/me/src",
                            Heartbeat.STOPPED, NOW_MS - 600_000, NOW_MS - 180_000, null, null,
                            new Heartbeat.Counters(0, 0, 0, 0, null, 0L), Map.of("offsite",
                                    new Heartbeat.Dropped(NOW_MS - 185_000, (2L << 30) + 50_000_000, 2L << 30)))),
            null, NOW);

    @Test
    void aProducerThatCannotWatchSomeDirectoriesSaysHowMany() throws Exception {
        Heartbeat beat = new Heartbeat(1, Heartbeat.PRODUCER, "laptop:99", "ferry.changes", null, "/home/me/src",
                Heartbeat.RUNNING, NOW_MS - 60_000, NOW_MS - 1000, null, null, new Heartbeat.Counters(0, 0, 0, 0, null, 0L))
                .withUnwatchedDirectories(51);

        assertThat(StatusText.line(beat, report)).isEqualTo("producer laptop:99 (/home/me/src): last seen 1.0 s ago; "
                + "0 events, 0 files, 0 bytes of files, 0 bytes sent; 51 directories not watched (rescanned instead: "
                + "see its log for the limit to raise)");
        assertThat(StatusText.line(beat.withUnwatchedDirectories(0), report)).doesNotContain("watched");
        assertThat(StatusJson.of(new StatusReport("tcp://nas:61616", "ferry.changes", report.mirrors(), report.legacy(),
                List.of(beat), null, NOW))).contains("\"unwatchedDirectories\" : 51");
    }

    @Test
    void peopleReadMirrorDefaultAsBeforeThenEachMirrorThenALinePerProcess() {
        StringWriter text = new StringWriter();

        StatusText.print(report, new PrintWriter(text));

        assertThat(text.toString().lines()).containsExactly(
                "queue ferry.changes on tcp://nas:61616",
                "messages waiting: 3",
                "consumers attached: 1",
                "oldest waiting: 4.2 s old",
                "dead-lettered: 0 (on DLQ." + DEFAULT_QUEUE + ")",
                "dead-letter consumers attached: 0",
                "oldest dead-lettered: -",
                "mirror default: 3 waiting, 1 consumer, oldest 4.2 s old, 0 dead-lettered (queue " + DEFAULT_QUEUE + ")",
                "mirror offsite: 1200 waiting, 0 consumers, oldest unknown, 2 dead-lettered (queue " + OFFSITE_QUEUE + ")",
                "queue of before mirrors ferry.changes: 5 waiting, 1 consumer, oldest 1 h 00 min old, 0 dead-lettered "
                        + "(mirror default applies it)",
                "consumer nas:1234 of mirror default (/mnt/mirror): last seen 2.0 s ago, applied a/b.txt 0.3 s behind, "
                        + "lag 0.0 s; 12 events, 10 files, 2.0 KiB of files, 512 bytes received, 1 dead-lettered",
                "consumer old:7 (/mnt/old): last seen 1.0 s ago, lag 0.0 s; 0 events, 0 files, 0 bytes, 0 dead-lettered",
                "producer laptop:99 (/home/me/src): stopped 3 min 00 s ago; 0 events, 0 files, 0 bytes of files, "
                        + "0 bytes sent; dropped, "
                        + "needing a repair: offsite (3 min 05 s ago, 2.0 GiB past 2 GiB)");
    }

    @Test
    void theQueueOfBeforeMirrorsIsLeftOutOnceItIsEmpty() {
        StatusReport.Mirror empty = new StatusReport.Mirror(null,
                new StatusReport.Destination("ferry.changes", 0, 1, null, null),
                new StatusReport.Destination("DLQ.ferry.changes", 0, 0, null, null));
        StringWriter text = new StringWriter();

        StatusText.print(new StatusReport(report.broker(), report.stream(), report.mirrors(), empty, List.of(), null,
                NOW), new PrintWriter(text));

        assertThat(text.toString()).doesNotContain("before mirrors");
    }

    @Test
    void aConsumerWhoseLastChangeWasARepairedModeOrTimeSaysSo() {
        Heartbeat repaired = new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "default", "/mnt/mirror",
                Heartbeat.RUNNING, NOW_MS - 60_000, NOW_MS - 2000,
                new Heartbeat.Change("attributes", "a/b.txt", 1, NOW_MS - 2500, NOW_MS - 2200), 0L,
                new Heartbeat.Counters(1, 0, 0, 0));
        StringWriter text = new StringWriter();

        StatusText.print(new StatusReport(report.broker(), report.stream(), report.mirrors(), report.legacy(),
                List.of(repaired), null, NOW), new PrintWriter(text));

        assertThat(text.toString()).contains(", applied attributes of a/b.txt 0.3 s behind");
    }

    @Test
    void withAFailoverUrlItSaysWhichBrokerAnsweredInTextAndJson() throws Exception {
        String pair = "failover:(tcp://a:61616,tcp://b:61616)?randomize=false";
        StatusReport answered = new StatusReport(pair, report.stream(), report.mirrors(), report.legacy(),
                report.processes(), null, NOW, "tcp://b:61616", "ferry");
        StringWriter text = new StringWriter();

        StatusText.print(answered, new PrintWriter(text));

        assertThat(text.toString().lines().findFirst()).hasValue(
                "queue ferry.changes on " + pair + ", answered by tcp://b:61616 (broker ferry)");
        JsonNode json = JsonMapper.builder().build().readTree(StatusJson.of(answered));
        assertThat(json.at("/answeredBy").asText()).isEqualTo("tcp://b:61616");
        assertThat(json.at("/brokerName").asText()).isEqualTo("ferry");
        StringWriter single = new StringWriter();
        StatusText.print(report, new PrintWriter(single));
        assertThat(single.toString().lines().findFirst()).as("one broker, nothing to tell apart")
                .hasValue("queue ferry.changes on tcp://nas:61616");
    }

    @Test
    void scriptsReadTheSameAsJson() throws Exception {
        JsonNode json = JsonMapper.builder().build().readTree(StatusJson.of(report));

        assertThat(json.at("/stream").asText()).isEqualTo("ferry.changes");
        assertThat(json.at("/queue/name").asText()).isEqualTo(DEFAULT_QUEUE);
        assertThat(json.at("/queue/waiting").asLong()).isEqualTo(3);
        assertThat(json.at("/queue/oldestAgeSeconds").asDouble()).isEqualTo(4.2);
        assertThat(json.at("/deadLetterQueue/name").asText()).isEqualTo("DLQ." + DEFAULT_QUEUE);
        assertThat(json.at("/deadLetterQueue/oldestAgeSeconds").isNull()).isTrue();
        assertThat(json.at("/mirrors/1/name").asText()).isEqualTo("offsite");
        assertThat(json.at("/mirrors/1/queue/waiting").asLong()).isEqualTo(1200);
        assertThat(json.at("/mirrors/1/queue/oldestUnknownBecause").asText()).contains("may not browse");
        assertThat(json.at("/mirrors/1/deadLetterQueue/waiting").asLong()).isEqualTo(2);
        assertThat(json.at("/legacyQueue/waiting").asLong()).isEqualTo(5);
        assertThat(json.at("/legacyDeadLetterQueue/name").asText()).isEqualTo("DLQ.ferry.changes");
        assertThat(json.at("/processes/0/role").asText()).isEqualTo("consumer");
        assertThat(json.at("/processes/0/mirror").asText()).isEqualTo("default");
        assertThat(json.at("/processes/0/lastSeenSecondsAgo").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/processes/0/last/path").asText()).isEqualTo("a/b.txt");
        assertThat(json.at("/processes/0/last/behindSeconds").asDouble()).isEqualTo(0.3);
        assertThat(json.at("/processes/1/mirror").isNull()).isTrue();
        assertThat(json.at("/processes/2/state").asText()).isEqualTo("stopped");
        assertThat(json.at("/processes/2/lagSeconds").isNull()).isTrue();
        assertThat(json.at("/processes/2/mirrorsNeedingRepair/offsite/droppedAt").asText())
                .isEqualTo(NOW.minusSeconds(185).toString());
        assertThat(json.at("/processes/2/mirrorsNeedingRepair/offsite/limitBytes").asLong()).isEqualTo(2L << 30);
        assertThat(json.at("/processes/0/mirrorsNeedingRepair").isNull()).isTrue();
    }

    @Test
    void aMirrorConsumedAtAnotherSiteSaysWhatWaitsHereToBeForwardedAndWhetherTheLinkIsUp() throws Exception {
        StatusReport.Mirror office = mirror("default",
                new StatusReport.Destination(DEFAULT_QUEUE, 0, 1, null, null), 0);
        StatusReport.Mirror offsite = mirror("offsite",
                new StatusReport.Destination(OFFSITE_QUEUE, 472, 0, NOW.minusMillis(4200), null), 0);
        Heartbeat away = new Heartbeat(1, Heartbeat.CONSUMER, "away:7", "ferry.changes", "offsite", "/mnt/offsite",
                Heartbeat.RUNNING, NOW_MS - 60_000, NOW_MS - 30_000, null, 0L, new Heartbeat.Counters(5, 5, 10, 0))
                .withBroker("site-b");
        Heartbeat here = new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "default", "/mnt/mirror",
                Heartbeat.RUNNING, NOW_MS - 60_000, NOW_MS - 2000, null, 0L, new Heartbeat.Counters(5, 5, 10, 0))
                .withBroker("site-a");

        StatusReport linkDown = atSiteA(List.of(office,
                offsite.withForwarding(new StatusReport.Forwarding("site-b", 472, false))), List.of(here, away),
                List.of(), null);

        assertThat(text(linkDown)).contains(
                "mirror default: 0 waiting, 1 consumer, oldest -, 0 dead-lettered (queue " + DEFAULT_QUEUE + ")",
                "mirror offsite: 472 waiting, 0 consumers, oldest 4.2 s old, 0 dead-lettered (queue " + OFFSITE_QUEUE
                        + "); consumed at broker site-b: 472 waiting to be forwarded, link down",
                "consumer nas:1234 of mirror default (/mnt/mirror): last seen 2.0 s ago, lag 0.0 s; 5 events, 5 files, "
                        + "10 bytes, 0 dead-lettered",
                "consumer away:7 of mirror offsite (/mnt/offsite) at broker site-b: last seen 30 s ago "
                        + "(silent since: no link up to broker site-b), lag 0.0 s; 5 events, 5 files, 10 bytes, "
                        + "0 dead-lettered");
        StatusReport linkUp = atSiteA(List.of(office,
                offsite.withForwarding(new StatusReport.Forwarding("site-b", 0, true))), List.of(here, away),
                List.of("site-b"), null);
        assertThat(text(linkUp)).contains("); consumed at broker site-b: 0 waiting to be forwarded, link up",
                "consumer away:7 of mirror offsite (/mnt/offsite) at broker site-b: last seen 30 s ago "
                        + "(silent since: gone without stopping?)");
        String refused = "user ferry-consumer may not read topic ActiveMQ.Advisory.NetworkBridge";
        StatusReport linkUnknown = atSiteA(List.of(office,
                offsite.withForwarding(new StatusReport.Forwarding("site-b", 472, null))), List.of(here, away),
                null, refused);
        assertThat(text(linkUnknown)).contains("); consumed at broker site-b: 472 waiting to be forwarded, "
                + "link unknown (" + refused + ")");

        JsonNode json = JsonMapper.builder().build().readTree(StatusJson.of(linkDown));
        assertThat(json.at("/mirrors/1/consumedAt").asText()).isEqualTo("site-b");
        assertThat(json.at("/mirrors/1/forwarding/to").asText()).isEqualTo("site-b");
        assertThat(json.at("/mirrors/1/forwarding/waiting").asLong()).isEqualTo(472);
        assertThat(json.at("/mirrors/1/forwarding/linkUp").isBoolean()).isTrue();
        assertThat(json.at("/mirrors/1/forwarding/linkUp").asBoolean()).isFalse();
        assertThat(json.at("/mirrors/0/consumedAt").isNull()).as("consumed here").isTrue();
        assertThat(json.at("/mirrors/0/forwarding").isNull()).isTrue();
        assertThat(json.at("/linksUp").isArray()).isTrue();
        assertThat(json.at("/linksUp").size()).isZero();
        assertThat(json.at("/linksUnknownBecause").isNull()).isTrue();
        assertThat(json.at("/processes/1/broker").asText()).isEqualTo("site-b");
        JsonNode unknown = JsonMapper.builder().build().readTree(StatusJson.of(linkUnknown));
        assertThat(unknown.at("/linksUp").isNull()).isTrue();
        assertThat(unknown.at("/linksUnknownBecause").asText()).isEqualTo(refused);
        assertThat(unknown.at("/mirrors/1/forwarding/linkUp").isNull()).isTrue();
        assertThat(JsonMapper.builder().build().readTree(StatusJson.of(linkUp)).at("/linksUp/0").asText())
                .isEqualTo("site-b");
    }

    @Test
    void aBrokerThatForwardsNothingPrintsNothingOfForwarding() throws Exception {
        assertThat(text(report)).doesNotContain("consumed at", "forwarded", " at broker", "link");
        JsonNode json = JsonMapper.builder().build().readTree(StatusJson.of(report));
        assertThat(json.at("/mirrors/1/forwarding").isNull()).isTrue();
        assertThat(json.at("/processes/0/broker").isNull()).as("an older consumer's beat").isTrue();
    }

    /** A report of broker site-a, on tcp://site-a:61616. */
    private StatusReport atSiteA(List<StatusReport.Mirror> mirrors, List<Heartbeat> processes, List<String> linksUp,
                                 String linksUnknownBecause) {
        return new StatusReport("tcp://site-a:61616", "ferry.changes", mirrors, report.legacy(), processes, null, NOW,
                "tcp://site-a:61616", "site-a", linksUp, linksUnknownBecause);
    }

    private static String text(StatusReport report) {
        StringWriter text = new StringWriter();
        StatusText.print(report, new PrintWriter(text));
        return text.toString();
    }

    private static StatusReport.Mirror mirror(String name, StatusReport.Destination queue, long deadLettered) {
        return new StatusReport.Mirror(name, queue,
                new StatusReport.Destination("DLQ." + queue.name(), deadLettered, 0, null, null));
    }
}
