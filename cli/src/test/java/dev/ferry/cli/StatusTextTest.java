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
import org.junit.jupiter.api.Test;

class StatusTextTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final long NOW_MS = NOW.toEpochMilli();

    private final StatusReport report = new StatusReport("tcp://nas:61616",
            new StatusReport.Destination("ferry.changes", 3, 1, NOW.minusMillis(4200), null),
            new StatusReport.Destination("DLQ.ferry.changes", 0, 0, null, null),
            List.of(new Heartbeat(1, Heartbeat.CONSUMER, "nas:1234", "ferry.changes", "/mnt/mirror", Heartbeat.RUNNING,
                            NOW_MS - 60_000, NOW_MS - 2000,
                            new Heartbeat.Change("file", "a/b.txt", 1, NOW_MS - 2500, NOW_MS - 2200), 0L,
                            new Heartbeat.Counters(12, 10, 2048, 1)),
                    new Heartbeat(1, Heartbeat.PRODUCER, "laptop:99", "ferry.changes", "/home/me/src", Heartbeat.STOPPED,
                            NOW_MS - 600_000, NOW_MS - 180_000, null, null, new Heartbeat.Counters(0, 0, 0, 0))),
            null, NOW);

    @Test
    void peopleReadTheQueueThenALinePerProcess() {
        StringWriter text = new StringWriter();

        StatusText.print(report, new PrintWriter(text));

        assertThat(text.toString().lines()).containsExactly(
                "queue ferry.changes on tcp://nas:61616",
                "messages waiting: 3",
                "consumers attached: 1",
                "oldest waiting: 4.2 s old",
                "dead-lettered: 0 (on DLQ.ferry.changes)",
                "dead-letter consumers attached: 0",
                "oldest dead-lettered: -",
                "consumer nas:1234 (/mnt/mirror): last seen 2.0 s ago, applied a/b.txt 0.3 s behind, lag 0.0 s; "
                        + "12 events, 10 files, 2.0 KiB, 1 dead-lettered",
                "producer laptop:99 (/home/me/src): stopped 3 min 00 s ago; 0 events, 0 files, 0 bytes");
    }

    @Test
    void scriptsReadTheSameAsJson() throws Exception {
        JsonNode json = JsonMapper.builder().build().readTree(StatusJson.of(report));

        assertThat(json.at("/queue/waiting").asLong()).isEqualTo(3);
        assertThat(json.at("/queue/oldestAgeSeconds").asDouble()).isEqualTo(4.2);
        assertThat(json.at("/deadLetterQueue/name").asText()).isEqualTo("DLQ.ferry.changes");
        assertThat(json.at("/deadLetterQueue/oldestAgeSeconds").isNull()).isTrue();
        assertThat(json.at("/processes/0/role").asText()).isEqualTo("consumer");
        assertThat(json.at("/processes/0/lastSeenSecondsAgo").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/processes/0/last/path").asText()).isEqualTo("a/b.txt");
        assertThat(json.at("/processes/0/last/behindSeconds").asDouble()).isEqualTo(0.3);
        assertThat(json.at("/processes/1/state").asText()).isEqualTo("stopped");
        assertThat(json.at("/processes/1/lagSeconds").isNull()).isTrue();
    }
}
