package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 at the worst moments: a consumer in the middle of a large file, a producer in the middle
 * of a scan or of a large file's chunks, a broker in the middle of the initial sync. Restarted,
 * the pipeline converges, no file is ever visible half-written, and nothing is left staged. And a
 * consumer restarted after a crash leaves what it applied alone when the same events come again.
 */
@Timeout(value = 4, unit = MINUTES)
class CrashRecoveryTest {

    private static final long LARGE = 200L * 1024 * 1024;
    private static final long STAGED_BEFORE_THE_CRASH = 24L * 1024 * 1024;
    private static final Duration TRANSFER = Duration.ofMinutes(3);
    private static final int MANY_FILES = 1000;
    /** Small enough that the tree takes many transactions, so a stop can come between two of them. */
    private static final String[] SMALL_TRANSACTIONS = {"--batch-events", "50"};
    /** What a producer publishes in one transaction at most, and a consumer applies in one. */
    private static final int ONE_TRANSACTION = 256;
    private static final Duration SCAN = Duration.ofMinutes(2);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aConsumerKilledInTheMiddleOfALargeFileResumesAndNeverShowsItHalfWritten() {
        Path source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve("large.bin"), LARGE, 4);
        Path destination = ferry.directory("destination");
        Path largeCopy = destination.resolve("large.bin");
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source);
        FerryProcess consumer = ferry.consumer(destination);

        try (PartialFileWatch watch = PartialFileWatch.start(largeCopy, LARGE)) {
            Staging.awaitGrowingPart(destination, STAGED_BEFORE_THE_CRASH, TRANSFER, broker, producer, consumer);
            consumer.kill();
            assertThat(largeCopy).as("the large file, its consumer killed while it was staged").doesNotExist();

            FerryProcess restarted = ferry.consumer(destination);

            Convergence.await(source, destination, TRANSFER, broker, producer, restarted);
            watch.assertNeverSeenPartial();
        }
        Staging.assertEmpty(destination);
    }

    @Test
    void aProducerKilledInTheMiddleOfItsFirstScanCatchesUpWhenRestarted() {
        Path source = manyFiles(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source, SMALL_TRANSACTIONS);

        producer.waitForLog(FerryLog.ANY_PUBLISHED_PUT, ONE_TRANSACTION, SCAN);
        producer.kill();
        assertThat(producer.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT))
                .as("files published before the producer was killed").hasSizeLessThan(MANY_FILES);

        FerryProcess restarted = ferry.producer(source);

        Convergence.await(source, destination, SCAN, broker, consumer, restarted);
        Staging.assertEmpty(destination);
    }

    @Test
    void aProducerKilledInTheMiddleOfALargeFileSendsItWholeWhenRestarted() {
        Path source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve("large.bin"), LARGE, 5);
        Path destination = ferry.directory("destination");
        Path largeCopy = destination.resolve("large.bin");
        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source);

        try (PartialFileWatch watch = PartialFileWatch.start(largeCopy, LARGE)) {
            // The consumer stages what the producer committed: chunks are on their way.
            Staging.awaitGrowingPart(destination, 1, TRANSFER, broker, producer, consumer);
            producer.kill();
            assertThat(producer.logLinesMatching(FerryLog.publishedPut("large.bin")))
                    .as("the large file published whole before its producer was killed").isEmpty();

            FerryProcess restarted = ferry.producer(source);

            Convergence.await(source, destination, TRANSFER, broker, consumer, restarted);
            watch.assertNeverSeenPartial();
        }
        Staging.assertEmpty(destination);
    }

    @Test
    void aBrokerKilledInTheMiddleOfTheInitialSyncLosesNothing() {
        Path source = manyFiles(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        ferry.broker();
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source, SMALL_TRANSACTIONS);

        producer.waitForLog(FerryLog.ANY_PUBLISHED_PUT, ONE_TRANSACTION, SCAN);
        ferry.broker().kill();
        // Neither side is through: the producer has more to send, so the consumer more to apply.
        assertThat(producer.logLinesMatching(FerryLog.ANY_PUBLISHED_PUT))
                .as("files published before the broker was killed").hasSizeLessThan(MANY_FILES);

        FerryProcess broker = ferry.restartBroker();

        Convergence.await(source, destination, SCAN, broker, consumer, producer);
        Staging.assertEmpty(destination);
    }

    @Test
    void duplicatesOfWhatWasAppliedChangeNothingAcrossAConsumerCrash() throws JMSException, IOException {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        ferry.producer(source, "--once").waitForSuccess(SCAN);
        List<Published> published = browseTheQueue();
        assertThat(published).as("messages browsed on the queue").hasSize((int) ferry.messagesWaiting());
        FerryProcess consumer = ferry.consumer(destination);
        Convergence.await(source, destination, SCAN, ferry.broker(), consumer);
        awaitEmptyQueue(); // every transaction committed: nothing of it may be applied again
        Map<String, Identity> applied = Identity.of(destination);
        consumer.kill();

        sendAgain(published);
        assertThat(ferry.messagesWaiting()).as("duplicates waiting").isEqualTo(published.size());
        FerryProcess restarted = ferry.consumer(destination);
        awaitEmptyQueue();

        assertThat(restarted.logLinesMatching(FerryLog.ANY_APPLIED))
                .as("changes %s made for %d duplicates", restarted.name(), published.size()).isEmpty();
        assertThat(Identity.of(destination)).as("inodes, ctimes and mtimes in the replica").isEqualTo(applied);
        assertThat(TreeSnapshot.of(destination)).isEqualTo(TreeSnapshot.of(source));
        Staging.assertEmpty(destination);
    }

    /** {@link #MANY_FILES} small files in ten directories. */
    private static Path manyFiles(Path root) {
        for (int dir = 0; dir < 10; dir++) {
            TestTrees.manySmallFiles(root.resolve("dir-" + dir), MANY_FILES / 10);
        }
        return root;
    }

    /** A message as the producer published it: its events (one, or a bundle of files) and its body. */
    private record Published(List<ChangeEvent> events, byte[] body) {
    }

    private List<Published> browseTheQueue() throws JMSException {
        List<Published> published = new ArrayList<>();
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            for (Message message : queue.browse(QueueClient.DEFAULT_MIRROR_QUEUE)) {
                published.add(published(message));
            }
        }
        return published;
    }

    private void sendAgain(List<Published> published) throws JMSException {
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            for (Published duplicate : published) {
                queue.send(QueueClient.DEFAULT_MIRROR_QUEUE, queue.encode(duplicate.events(), duplicate.body()));
            }
        }
    }

    private static Published published(Message message) throws JMSException {
        try {
            // The body decoded: sent again as it is, a compressed body would not match its events.
            return new Published(EventMessages.decode(message), EventMessages.decodedBody(message));
        } catch (WireFormatException e) {
            throw new AssertionError("the producer published a message Ferry cannot read: " + e.getMessage(), e);
        }
    }

    private void awaitEmptyQueue() {
        await("the queue emptied by the consumer").atMost(SCAN).pollInterval(Duration.ofSeconds(1))
                .until(ferry::messagesWaiting, waiting -> waiting == 0);
    }

    /**
     * What shows whether a replica entry was touched at all, even rewritten with the same bytes:
     * its inode, its change time and its modification time.
     */
    private record Identity(Object inode, Object ctime, long mtimeMillis) {

        static Map<String, Identity> of(Path root) throws IOException {
            Map<String, Identity> identities = new TreeMap<>();
            for (String path : TreeSnapshot.of(root).paths()) {
                Path entry = root.resolve(path);
                identities.put(path, new Identity(
                        Files.getAttribute(entry, "unix:ino", LinkOption.NOFOLLOW_LINKS),
                        Files.getAttribute(entry, "unix:ctime", LinkOption.NOFOLLOW_LINKS),
                        Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis()));
            }
            return identities;
        }
    }
}
