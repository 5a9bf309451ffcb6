package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM (what Ctrl-C, {@code kill} and service managers send) stops a consumer in the middle of
 * a large file, or a producer in the middle of its scan, promptly and with exit status 0 (the
 * normal end of a long-running command, see the CLI's Supervisor); run again, each carries on
 * where it stopped.
 */
@Timeout(value = 3, unit = MINUTES)
class GracefulStopTest {

    private static final long LARGE = 100L * 1024 * 1024;
    private static final long STAGED_BEFORE_THE_STOP = 16L * 1024 * 1024;
    private static final int MANY_FILES = 1000;
    /** Small enough that the tree takes many transactions, so a stop can come between two of them. */
    private static final String[] SMALL_TRANSACTIONS = {"--batch-events", "50"};
    private static final int ONE_TRANSACTION = 256;
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    private static final Duration TRANSFER = Duration.ofMinutes(2);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aConsumerStoppedInTheMiddleOfALargeFileExitsWithZeroAndResumes() {
        Path source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve("large.bin"), LARGE, 6);
        Path destination = ferry.directory("destination");
        Path largeCopy = destination.resolve("large.bin");
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source);
        FerryProcess consumer = ferry.consumer(destination);

        try (PartialFileWatch watch = PartialFileWatch.start(largeCopy, LARGE)) {
            Staging.awaitGrowingPart(destination, STAGED_BEFORE_THE_STOP, TRANSFER, broker, producer, consumer);
            consumer.requestStop();
            assertThat(consumer.waitForExit(STOP_WITHIN)).as("exit status%n%s", consumer.logTail()).isZero();
            assertThat(largeCopy).as("the large file, its consumer stopped while it was staged").doesNotExist();

            FerryProcess restarted = ferry.consumer(destination);

            Convergence.await(source, destination, TRANSFER, broker, producer, restarted);
            watch.assertNeverSeenPartial();
        }
        Staging.assertEmpty(destination);
    }

    @Test
    void aProducerStoppedInTheMiddleOfItsScanExitsWithZeroAndCatchesUp() {
        Path source = ferry.directory("source");
        for (int dir = 0; dir < 10; dir++) {
            TestTrees.manySmallFiles(source.resolve("dir-" + dir), MANY_FILES / 10);
        }
        Path destination = ferry.directory("destination");
        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source, SMALL_TRANSACTIONS);

        producer.waitForLog(FerryLog.ANY_PUBLISHED_PUT, ONE_TRANSACTION, TRANSFER);
        producer.requestStop();
        assertThat(producer.waitForExit(STOP_WITHIN)).as("exit status%n%s", producer.logTail()).isZero();
        assertThat(producer.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT))
                .as("files published before the producer was stopped").hasSizeLessThan(MANY_FILES);

        FerryProcess restarted = ferry.producer(source);

        Convergence.await(source, destination, TRANSFER, broker, consumer, restarted);
        assertThat(restarted.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT))
                .as("files published by the second run, after %d by the first",
                        producer.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT).size())
                .hasSize(MANY_FILES - producer.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT).size());
    }
}
