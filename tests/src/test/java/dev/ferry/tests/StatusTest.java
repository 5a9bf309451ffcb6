package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ferry status} on a real run: the backlog a producer left with no consumer attached and
 * how old it is, then both processes, each from its own heartbeat, once the consumer caught up;
 * the same for scripts with --json.
 */
@Timeout(value = 3, unit = MINUTES)
class StatusTest {

    private static final int FILES = 25;
    private static final Duration PUBLISHING = Duration.ofSeconds(60);
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration HEARTBEATS = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void statusShowsTheBacklogThenTheProducerAndTheConsumerWithWhatTheyDidLast() throws IOException {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), FILES).toRealPath();
        Path destination = ferry.directory("destination").toRealPath();
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source);
        producer.waitForLog(FerryLog.ANY_PUBLISHED_PUT, FILES, PUBLISHING);

        String backlog = status();

        assertThat(backlog).as(backlog).contains("messages waiting: " + FILES + "\n", "consumers attached: 0\n")
                .containsPattern("(?m)^oldest waiting: \\d+(\\.\\d)? s old$")
                .containsPattern("(?m)^producer \\S+:" + producer.pid() + " \\(" + Pattern.quote(source.toString())
                        + "\\): last seen [0-9.]+ s ago, published file-\\d+\\.txt [0-9.]+ s ago; " + FILES
                        + " events, " + FILES + " files, ");

        FerryProcess consumer = ferry.consumer(destination);
        Convergence.await(source, destination, SYNC, broker, producer, consumer);
        String caughtUp = await().atMost(HEARTBEATS).until(this::status,
                text -> text.contains("messages waiting: 0\n") && text.contains(", lag 0.0 s"));

        assertThat(caughtUp).as(caughtUp).contains("consumers attached: 1\n", "oldest waiting: -\n")
                .containsPattern("(?m)^consumer \\S+:" + consumer.pid() + " of mirror default \\(" + Pattern.quote(destination.toString())
                        + "\\): last seen [0-9.]+ s ago, applied file-\\d+\\.txt [0-9.]+ s behind, lag 0\\.0 s; "
                        + FILES + " events, " + FILES + " files, [0-9.]+ (KiB|MiB) of files, [0-9.]+ (bytes|KiB|MiB) "
                        + "received, 0 dead-lettered$")
                .containsPattern("(?m)^producer \\S+:" + producer.pid() + " ");

        JsonNode json = JsonMapper.builder().build().readTree(statusJson());
        assertThat(json.at("/stream").asText()).isEqualTo("ferry.changes");
        assertThat(json.at("/queue/name").asText()).isEqualTo(QueueClient.DEFAULT_MIRROR_QUEUE);
        assertThat(json.at("/queue/waiting").asLong()).isZero();
        assertThat(json.at("/queue/consumers").asLong()).isEqualTo(1);
        assertThat(json.at("/queue/oldestAgeSeconds").isNull()).isTrue();
        assertThat(json.at("/deadLetterQueue/name").asText()).isEqualTo("DLQ." + QueueClient.DEFAULT_MIRROR_QUEUE);
        assertThat(json.at("/mirrors/0/name").asText()).isEqualTo("default");
        assertThat(json.at("/legacyQueue/name").asText()).isEqualTo("ferry.changes");
        assertThat(json.at("/processes")).hasSize(2);
        for (JsonNode process : json.at("/processes")) {
            boolean isConsumer = process.at("/role").asText().equals("consumer");
            assertThat(process.at("/id").asText()).endsWith(":" + (isConsumer ? consumer.pid() : producer.pid()));
            assertThat(process.at("/state").asText()).isEqualTo("running");
            assertThat(process.at("/lastSeenSecondsAgo").asDouble()).isLessThan(30);
            assertThat(process.at("/files").asLong()).isEqualTo(FILES);
            assertThat(process.at("/wireBytes").asLong()).as("bytes of message bodies on the wire").isPositive();
            assertThat(process.at("/last/path").asText()).startsWith("file-");
            assertThat(process.at("/lagSeconds").isNull()).isEqualTo(!isConsumer);
            assertThat(process.at("/mirror").isNull()).isEqualTo(!isConsumer);
        }
    }

    private String status() {
        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        return status.stdout();
    }

    private String statusJson() {
        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl(), "--json");
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        return status.stdout();
    }
}
