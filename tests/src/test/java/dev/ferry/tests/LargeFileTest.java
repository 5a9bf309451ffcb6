package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A file far larger than the heap of the processes that carry it arrives whole. */
@Timeout(value = 4, unit = MINUTES)
class LargeFileTest {

    private static final long SIZE = 300L * 1024 * 1024;
    private static final String SMALL_HEAP = "96m";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void a300MegabyteFileCrossesWithProducerAndConsumerOn96MegabytesOfHeap() {
        Path source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve("large.bin"), SIZE, 300);
        Path destination = ferry.directory("destination");

        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumerWithHeap(SMALL_HEAP, destination);
        FerryProcess producer = ferry.producerWithHeap(SMALL_HEAP, source);

        // Convergence compares the SHA-256 of both files, so this is byte for byte; a process
        // that runs out of heap exits (ExitOnOutOfMemoryError) and fails the wait at once.
        Convergence.await(source, destination, Duration.ofMinutes(3), broker, consumer, producer);
    }
}
