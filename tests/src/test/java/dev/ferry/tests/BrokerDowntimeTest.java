package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the broker goes away under a running producer and consumer, killed or stopped, both wait
 * for it instead of exiting; the source keeps changing meanwhile, and once the broker is back on
 * its port and its data the mirror catches up.
 */
@Timeout(value = 3, unit = MINUTES)
class BrokerDowntimeTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration NOTICE = Duration.ofSeconds(30);
    /** Long enough for both sides to retry a few times, with growing back-off. */
    private static final Duration DOWNTIME = Duration.ofSeconds(3);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path destination;
    private FerryProcess consumer;
    private FerryProcess producer;

    @BeforeEach
    void aConvergedMirror() {
        source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        FerryProcess broker = ferry.broker();
        consumer = ferry.consumer(destination);
        producer = ferry.producer(source);
        Convergence.await(source, destination, INITIAL_SYNC, broker, consumer, producer);
    }

    @Test
    void aBrokerKilledAndRestartedIsFoundAgainAndTheMirrorCatchesUp() throws IOException {
        ferry.broker().kill();

        changeTheSourceWhileTheBrokerIsDown();
        FerryProcess broker = ferry.restartBroker();

        Convergence.await(source, destination, CATCH_UP, broker, consumer, producer);
        assertReconnected();
    }

    @Test
    void aBrokerStoppedAndRestartedIsFoundAgainAndTheMirrorCatchesUp() throws IOException {
        FerryProcess stopped = ferry.broker();
        stopped.requestStop();
        assertThat(stopped.waitForExit(GRACEFUL_STOP)).as("exit code of the stopped broker%n%s", stopped.logTail())
                .isZero();

        changeTheSourceWhileTheBrokerIsDown();
        FerryProcess broker = ferry.restartBroker();

        Convergence.await(source, destination, CATCH_UP, broker, consumer, producer);
        assertReconnected();
    }

    private void changeTheSourceWhileTheBrokerIsDown() throws IOException {
        producer.waitForLog(FerryLog.LOST_BROKER, 1, NOTICE);
        consumer.waitForLog(FerryLog.LOST_BROKER, 1, NOTICE);

        writeText(source.resolve("added while down.txt"), text("created while the broker was down", 2500));
        writeText(source.resolve("docs/readme.txt"), text("rewritten while the broker was down", 3100));
        Files.delete(source.resolve("zero.bin"));
        Files.move(source.resolve("old.txt"), source.resolve("renamed while down.txt"),
                StandardCopyOption.ATOMIC_MOVE);
        TestTrees.deleteTree(source.resolve("docs/guide"));

        assertStillRunningFor(DOWNTIME, producer, consumer);
    }

    private void assertReconnected() {
        assertThat(producer.logLinesMatching(FerryLog.RECONNECTED)).as("%s", producer.logTail()).isNotEmpty();
        assertThat(consumer.logLinesMatching(FerryLog.RECONNECTED)).as("%s", consumer.logTail()).isNotEmpty();
    }

    /** Watches the processes for {@code period}, failing as soon as one of them exits. */
    private static void assertStillRunningFor(Duration period, FerryProcess... processes) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            for (FerryProcess process : processes) {
                assertThat(process.isAlive()).as("%s is running without a broker%n%s", process.name(),
                        process.logTail()).isTrue();
            }
            pause(Duration.ofMillis(100));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
