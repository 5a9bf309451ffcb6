package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full disk or a read-only destination is the environment's fault, not the messages': the
 * consumer stops taking messages, says so once, retries with backoff, carries on where it stopped
 * when the destination can be written again, and dead-letters nothing (issue 3).
 */
@Timeout(value = 3, unit = MINUTES)
class UnwritableDestinationTest {

    private static final long MB = 1024 * 1024;
    /** The consumer's warning when it starts failing (FailurePolicy); once per spell of trouble. */
    private static final String CANNOT_APPLY = "WARN .* - cannot apply ";
    /** The consumer's DEBUG line (with --verbose) for each retry that fails again. */
    private static final String STILL_FAILING = " - still failing to apply ";
    private static final String APPLYING_AGAIN = " - applying again after ";
    private static final int RETRIES_TO_SEE = 3;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Longer than the consumer's longest backoff (30 s), plus the catching up. */
    private static final Duration RECOVERY = Duration.ofSeconds(90);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Tmpfs volume;

    @AfterEach
    void unmountTheVolume() {
        // The processes first: a consumer still holding files there would keep the tmpfs busy.
        FerryProcess.closeAllOpen();
        if (volume != null) {
            volume.close();
        }
    }

    @Test
    void aFullDiskHoldsTheConsumerBackUntilThereIsRoomAgain() throws IOException {
        // 12 MB to replicate, one 6 MB file among half-megabyte ones, onto a volume with room for
        // them twice over (a redelivered batch is staged again), of which a filler leaves 1 MB.
        Path source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve("big.bin"), 6 * MB, 6);
        for (int i = 0; i < 12; i++) {
            TestTrees.writeRandom(source.resolve(String.format("part-%02d.bin", i)), MB / 2, i);
        }
        volume = Tmpfs.mount(ferry.directory("volume"), 24);
        Path destination = TestTrees.directory(volume.root().resolve("destination"));
        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination, "--verbose");
        consumer.waitForLog(" - consumer applying ", 1, PATIENCE);
        Path filler = volume.fillLeaving("filler.bin", MB);

        FerryProcess producer = ferry.producer(source);
        consumer.waitForLog(CANNOT_APPLY + ".*No space left on device", 1, PATIENCE);
        awaitRetries(consumer);
        assertSaidOnce(consumer);
        assertHeldBackWithNothingDeadLettered();

        Files.delete(filler);
        Convergence.await(source, destination, RECOVERY, broker, consumer, producer);
        assertThat(ferry.messagesDeadLettered()).as("messages dead-lettered").isZero();
        assertSaidOnce(consumer);
    }

    @Test
    void aReadOnlyDestinationHoldsTheConsumerBackUntilItIsWritableAgain() throws IOException {
        volume = Tmpfs.mount(ferry.directory("volume"), 16);
        Path destination = volume.root().resolve("destination");
        Path source = TestTrees.mixed(ferry.directory("source"));
        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination, "--verbose");
        FerryProcess producer = ferry.producer(source);
        Convergence.await(source, destination, PATIENCE, broker, consumer, producer);

        volume.makeReadOnly();
        writeText(source.resolve("new.txt"), "written while the mirror was read-only\n");
        writeText(source.resolve("docs/readme.txt"), text("rewritten while the mirror was read-only", 5000));
        Files.delete(source.resolve("zero.bin"));
        TestTrees.directory(source.resolve("new dir"));
        consumer.waitForLog(CANNOT_APPLY + ".*Read-only file system", 1, PATIENCE);
        awaitRetries(consumer);
        assertSaidOnce(consumer);
        assertHeldBackWithNothingDeadLettered();

        volume.makeWritable();
        Convergence.await(source, destination, RECOVERY, broker, consumer, producer);
        assertThat(ferry.messagesDeadLettered()).as("messages dead-lettered").isZero();
        assertSaidOnce(consumer);
    }

    /**
     * Waits until the consumer has retried a few times (or warned a second time, which
     * {@link #assertSaidOnce} reports); fails at once if it exits.
     */
    private static void awaitRetries(FerryProcess consumer) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!consumer.isAlive()) {
                    fail("the consumer exited instead of retrying%n%s", consumer.logTail());
                }
                return consumer.logLinesMatching(STILL_FAILING).size() >= RETRIES_TO_SEE
                        || consumer.logLinesMatching(CANNOT_APPLY).size() > 1;
            });
        } catch (ConditionTimeoutException e) {
            fail("the consumer did not retry %d times within %s%n%s", RETRIES_TO_SEE, PATIENCE, consumer.logTail());
        }
    }

    /** The consumer took nothing it could not apply: it is all still on the queue, none of it dead-lettered. */
    private void assertHeldBackWithNothingDeadLettered() {
        assertThat(ferry.messagesWaiting()).as("messages left on the queue while the consumer is held back")
                .isPositive();
        assertThat(ferry.messagesDeadLettered()).as("messages dead-lettered while the consumer is held back")
                .isZero();
    }

    private static void assertSaidOnce(FerryProcess consumer) {
        assertThat(consumer.logLinesMatching(CANNOT_APPLY))
                .as("warnings that the consumer cannot apply (%d retries logged, %d times 'applying again')%n%s",
                        consumer.logLinesMatching(STILL_FAILING).size(),
                        consumer.logLinesMatching(APPLYING_AGAIN).size(), consumer.logTail())
                .hasSize(1);
    }
}
