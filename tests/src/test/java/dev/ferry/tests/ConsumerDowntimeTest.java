package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer that was down while the source changed finds the changes waiting on the queue and
 * replays them when it runs again, following the queue or draining it; a file that was created,
 * rewritten and deleted while it was away is never written at all.
 */
@Timeout(value = 3, unit = MINUTES)
class ConsumerDowntimeTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration PUBLISHING = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** Lives and dies while the consumer is down. */
    private static final String EPHEMERAL = "ephemeral.txt";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path destination;
    private FerryProcess broker;
    private FerryProcess producer;

    @BeforeEach
    void aConvergedMirrorWhoseConsumerStopsWhileTheSourceChanges() throws IOException {
        source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        broker = ferry.broker();
        producer = ferry.producer(source);
        FerryProcess consumer = ferry.consumer(destination);
        Convergence.await(source, destination, INITIAL_SYNC, broker, consumer, producer);
        consumer.close();

        int published = changeTheSourceAndAwaitPublishing();

        assertThat(ferry.messagesWaiting())
                .as("messages waiting after %d changes were published with no consumer attached", published)
                .isGreaterThanOrEqualTo(published);
    }

    @Test
    void aConsumerStartedAgainReplaysTheBacklogAndFollowsOn() {
        FerryProcess consumer = ferry.consumer(destination);

        Convergence.await(source, destination, CATCH_UP, broker, producer, consumer);
        assertNeverWritten(consumer, EPHEMERAL);
    }

    @Test
    void aDrainingConsumerReplaysTheBacklogAndExits() {
        FerryProcess consumer = ferry.consumer(destination, "--drain");

        consumer.waitForSuccess(CATCH_UP);
        assertThat(TreeSnapshot.of(destination)).isEqualTo(TreeSnapshot.of(source));
        assertNeverWritten(consumer, EPHEMERAL);
        assertThat(ferry.messagesWaiting()).as("messages waiting after the drain").isZero();
    }

    /**
     * Changes the source in every way while no consumer runs, waiting after each change until the
     * producer has published it, so that the queue holds the backlog and nothing is still in flight.
     *
     * @return how many changes were published
     */
    private int changeTheSourceAndAwaitPublishing() throws IOException {
        writeText(source.resolve("added/new.txt"), text("added while the consumer was down", 5000));
        awaitPublished(FerryLog.publishedPut("added/new.txt"), 1);
        awaitPublished(FerryLog.publishedDirectory("added"), 1);
        writeText(source.resolve("docs/readme.txt"), text("rewritten while the consumer was down", 7000));
        awaitPublished(FerryLog.publishedPut("docs/readme.txt"), 2);
        Files.delete(source.resolve("zero.bin"));
        awaitPublished(FerryLog.publishedDelete("zero.bin"), 1);

        writeText(source.resolve(EPHEMERAL), text("first version", 100_000));
        awaitPublished(FerryLog.publishedPut(EPHEMERAL), 1);
        writeText(source.resolve(EPHEMERAL), text("second version", 120_000));
        awaitPublished(FerryLog.publishedPut(EPHEMERAL), 2);
        Files.delete(source.resolve(EPHEMERAL));
        awaitPublished(FerryLog.publishedDelete(EPHEMERAL), 1);
        return 7;
    }

    private void awaitPublished(String line, int times) {
        producer.waitForLog(line, times, PUBLISHING);
    }

    private static void assertNeverWritten(FerryProcess consumer, String path) {
        assertThat(consumer.logLinesMatching(FerryLog.appliedPut(path)))
                .as("%s wrote %s, which a later event of its backlog deletes", consumer.name(), path)
                .isEmpty();
        assertThat(consumer.logLinesMatching(FerryLog.ANY_APPLIED_PUT))
                .as("the puts %s applied (it did replay the backlog)", consumer.name())
                .isNotEmpty();
    }
}
