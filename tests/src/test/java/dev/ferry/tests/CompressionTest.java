package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker, producer and consumer as processes over TCP: source code crosses the broker compressed,
 * at well under half its size, random bytes as they are, and the mirror is exact either way; the
 * bytes on the wire are in the metrics and in {@code ferry status}.
 */
@Timeout(value = 4, unit = MINUTES)
class CompressionTest {

    private static final Duration SYNC = Duration.ofSeconds(120);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String FILE_BYTES = "ferry_producer_bytes_published_total";
    private static final String WIRE_BYTES = "ferry_producer_wire_bytes_total";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void sourceCodeCrossesTheBrokerCompressedRandomBytesAsTheyAreAndTheMirrorIsExact() throws IOException {
        Path source = ferry.directory("source").toRealPath();
        TestTrees.sourcesOfThisProject(source.resolve("ferry"));
        Path destination = ferry.directory("destination").toRealPath();
        int producerPort = FreePorts.next();
        int consumerPort = FreePorts.next();
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source, "--metrics-port", Integer.toString(producerPort));
        FerryProcess consumer = ferry.consumer(destination, "--metrics-port", Integer.toString(consumerPort));
        FerryProcess[] running = {broker, producer, consumer};

        Convergence.await(source, destination, SYNC, running);
        MetricsScrape text = settled(producerPort, sizeOf(source));

        assertThat(text.value(WIRE_BYTES)).as("bytes through the broker for %s bytes of source code",
                text.value(FILE_BYTES)).isPositive().isLessThan(0.4 * text.value(FILE_BYTES));
        assertThat(consumerWireBytes(consumerPort)).as("what the consumer received").isEqualTo(text.value(WIRE_BYTES));

        // Multi-chunk files and a bundle of small ones, none of which compresses.
        TestTrees.writeRandom(source.resolve("random/big-1.bin"), 9L * 1024 * 1024 + 17, 1);
        TestTrees.writeRandom(source.resolve("random/big-2.bin"), 5L * 1024 * 1024, 2);
        for (int i = 0; i < 40; i++) {
            TestTrees.writeRandom(source.resolve("random/small/" + i + ".bin"), 8192 + i, 100 + i);
        }
        Convergence.await(source, destination, SYNC, running);
        MetricsScrape both = settled(producerPort, sizeOf(source));

        double randomFileBytes = both.value(FILE_BYTES) - text.value(FILE_BYTES);
        double randomWireBytes = both.value(WIRE_BYTES) - text.value(WIRE_BYTES);
        assertThat(randomWireBytes).as("random bytes travel as they are").isEqualTo(randomFileBytes);
        assertThat(consumerWireBytes(consumerPort)).isEqualTo(both.value(WIRE_BYTES));
        if (Rsync.judges(ferry.workspace(), "CompressionTest")) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination)).as("what rsync would still do")
                    .isEmpty();
        }
        assertThat(producerInStatus().at("/wireBytes").asDouble()).as("the producer's wire bytes in ferry status --json")
                .isEqualTo(both.value(WIRE_BYTES));
    }

    /** The producer's metrics once it counted {@code bytes} of file bodies published. */
    private static MetricsScrape settled(int producerPort, long bytes) {
        return await().atMost(SETTLE).until(() -> MetricsScrape.of(producerPort),
                scrape -> scrape.value(FILE_BYTES) == bytes);
    }

    private static double consumerWireBytes(int consumerPort) {
        return await().atMost(SETTLE).until(() -> MetricsScrape.of(consumerPort),
                scrape -> scrape.value("ferry_consumer_lag_seconds") == 0).value("ferry_consumer_wire_bytes_total");
    }

    /** The producer in {@code ferry status --json}, once its heartbeat tells of what it published last. */
    private JsonNode producerInStatus() {
        return await().atMost(SETTLE).until(() -> {
            FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl(), "--json");
            status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
            for (JsonNode process : JsonMapper.builder().build().readTree(status.stdout()).at("/processes")) {
                if (process.at("/role").asText().equals("producer")) {
                    return process;
                }
            }
            return null;
        }, process -> process != null && process.at("/files").asLong() == filesIn(ferry.workspace().resolve("source")));
    }

    private static long sizeOf(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long filesIn(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
