package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A producer and a consumer run with --metrics-port; after a sync of a tree of known size, their
 * metrics, scraped over HTTP like Prometheus would, count exactly that tree.
 */
@Timeout(value = 3, unit = MINUTES)
class MetricsTest {

    private static final int FILES = 40;
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration QUICK = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void afterASyncTheScrapedCountersAreThoseOfTheTree() {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), FILES);
        long bytes = sizeOf(source);
        Path destination = ferry.directory("destination");
        int producerPort = FreePorts.next();
        int consumerPort = FreePorts.next();

        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination, "--metrics-port", Integer.toString(consumerPort));
        FerryProcess producer = ferry.producer(source, "--metrics-port", Integer.toString(producerPort));
        Convergence.await(source, destination, SYNC, broker, consumer, producer);

        MetricsScrape published = MetricsScrape.of(producerPort);
        assertThat(published.value("ferry_producer_events_published_total{kind=\"file\"}")).isEqualTo(FILES);
        assertThat(published.value("ferry_producer_events_published_total{kind=\"delete\"}")).isZero();
        assertThat(published.value("ferry_producer_bytes_published_total")).isEqualTo(bytes);
        MetricsScrape applied = await().atMost(SETTLE).until(() -> MetricsScrape.of(consumerPort),
                scrape -> scrape.value("ferry_queue_messages_waiting{queue=\"" + QueueClient.DEFAULT_MIRROR_QUEUE + "\"}") == 0
                        && scrape.value("ferry_consumer_lag_seconds") == 0);
        assertThat(applied.value("ferry_consumer_events_applied_total{kind=\"file\"}")).isEqualTo(FILES);
        assertThat(applied.value("ferry_consumer_bytes_applied_total")).isEqualTo(bytes);
        assertThat(applied.value("ferry_consumer_messages_total")).isEqualTo(FILES);
        assertThat(applied.value("ferry_consumer_events_dead_lettered_total{kind=\"unreadable\"}")).isZero();
        assertThat(applied.value("ferry_consumer_apply_latency_seconds_count")).isEqualTo(FILES);
        assertThat(applied.value("ferry_consumer_apply_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(FILES);
        assertThat(applied.value("ferry_consumer_apply_latency_seconds_sum")).as("seconds from change to replica")
                .isPositive().isLessThan(FILES * SYNC.toSeconds());
        assertThat(applied.value("ferry_queue_consumers{queue=\"" + QueueClient.DEFAULT_MIRROR_QUEUE + "\"}")).isEqualTo(1);
        assertThat(applied.value("ferry_queue_messages_waiting{queue=\"DLQ." + QueueClient.DEFAULT_MIRROR_QUEUE + "\"}"))
                .isZero();
        assertThat(applied.value("ferry_queue_messages_waiting{queue=\"ferry.changes\"}")).as("the queue of before mirrors")
                .isZero();
    }

    @Test
    void aMetricsPortInUseFailsTheCommandWithOneLine() throws IOException {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), 1);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            FerryProcess producer = ferry.producer(source, "--metrics-port", Integer.toString(taken.getLocalPort()));

            assertThat(producer.waitForExit(QUICK)).as(producer.logTail()).isEqualTo(1);
            assertThat(producer.stderr().lines().filter(line -> !line.isBlank())).as(producer.logTail())
                    .containsExactly("ferry: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use");
        }
    }

    private static long sizeOf(Path tree) {
        try (Stream<Path> files = Files.walk(tree)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
