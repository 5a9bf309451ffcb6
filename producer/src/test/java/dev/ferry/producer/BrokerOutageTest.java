package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.Rename;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Given a producer at work, when the broker goes away for a while, then the producer waits for
 * it and afterwards publishes everything: what was not committed, and what changed meanwhile.
 */
@Timeout(30)
class BrokerOutageTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    SourceFixture tree;
    RecordingSink sink = new RecordingSink();
    Logger producerLog = (Logger) LoggerFactory.getLogger(Producer.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listenToTheProducer() {
        tree = new SourceFixture(temp);
        logged.start();
        producerLog.addAppender(logged);
        producerLog.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        producerLog.detachAppender(logged);
        producerLog.setLevel(null);
    }

    @Test
    void publishingOnceWaitsForTheBrokerThenFinishesWithWhatChangedMeanwhile() throws Exception {
        for (int i = 0; i < 10; i++) {
            tree.write("docs/file" + i + ".txt", "file " + i);
        }
        tree.write("old/stale.txt", "to be deleted while the broker is away");
        AtomicInteger sends = new AtomicInteger();
        sink.onSend(event -> {
            if (sends.incrementAndGet() == 5) { // Mid-batch: two sends after the first commit of three.
                sink.brokerAway(true);
            }
        });

        try (Producer producer = Producer.open(tree.settings(Duration.ofMillis(50), 3), sink, SETTLED_CLOCK)) {
            CompletableFuture<PublishSummary> run = CompletableFuture.supplyAsync(() -> publishOnce(producer), ownThread());
            await().atMost(WITHIN).until(() -> sink.reconnectAttempts() >= 2);
            assertThat(run).as("still waiting for the broker").isNotDone();
            assertThat(sink.commits()).isEqualTo(1);

            tree.write("during.txt", "created while the broker was away");
            tree.write("docs/file0.txt", "file 0, changed while the broker was away");
            tree.delete("old");
            sink.brokerAway(false);

            run.get(10, TimeUnit.SECONDS);
        }

        assertThat(mirrorOf(sink)).isEqualTo(contentOf(tree.source));
        assertThat(publishAgain()).as("the index holds what was committed").isEmpty();
        assertThat(linesAt(Level.WARN)).containsExactly("lost the broker test-broker: connection lost (test); waiting for it");
        assertThat(linesAt(Level.INFO)).contains("reconnected to test-broker");
    }

    @Test
    void aWatchingProducerNoticesTheLossWhileIdleKeepsRunningAndPublishesWhatChangedMeanwhile() throws Exception {
        tree.write("existing.txt", "was there before the watch");
        Producer producer = Producer.open(tree.settings(), sink, Clock.systemUTC());
        CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> watch(producer), ownThread());
        try {
            awaitChange("put existing.txt");

            sink.brokerAway(true);
            await().atMost(WITHIN).until(() -> sink.reconnectAttempts() >= 1); // Noticed with nothing to send.
            tree.write("during.txt", "created while the broker was away");
            await().atMost(WITHIN).until(() -> sink.reconnectAttempts() >= 2);
            sink.brokerAway(false);

            awaitChange("put during.txt");
            tree.write("after.txt", "created once the broker was back");
            awaitChange("put after.txt");
            assertThat(watching).as("still watching").isNotDone();
        } finally {
            producer.close();
        }
        watching.get(10, TimeUnit.SECONDS); // A clean stop.
        assertThat(sink.reconnects()).isEqualTo(1);
        assertThat(linesAt(Level.WARN)).containsExactly("lost the broker test-broker: connection lost (test); waiting for it");
        assertThat(linesAt(Level.INFO)).containsOnlyOnce("reconnected to test-broker");
    }

    @Test
    void closingWhileWaitingForTheBrokerStopsTheWatchCleanly() throws Exception {
        Producer producer = Producer.open(tree.settings(), sink, Clock.systemUTC());
        CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> watch(producer), ownThread());
        sink.brokerAway(true);
        await().atMost(WITHIN).until(() -> sink.reconnectAttempts() >= 1);

        producer.close();

        watching.get(10, TimeUnit.SECONDS);
        assertThat(sink.isClosed()).isTrue();
    }

    @Test
    void aFailureThatIsNotALostBrokerEndsTheRunWithoutWaiting() throws Exception {
        tree.write("a.txt", "a");
        sink.failCommits(true);

        try (Producer producer = Producer.open(tree.settings(), sink, SETTLED_CLOCK)) {
            assertThatThrownBy(producer::publishOnce).isInstanceOf(IOException.class)
                    .isNotInstanceOf(BrokerUnavailableException.class).hasMessageContaining("committing failed");
        }
        assertThat(sink.reconnectAttempts()).isZero();
        assertThat(linesAt(Level.WARN)).isEmpty();
    }

    private void awaitChange(String change) {
        await().atMost(WITHIN).until(() -> sink.committedChanges().contains(change));
    }

    private List<String> linesAt(Level level) {
        return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Publishes with a fresh producer on the same state directory; returns the changes committed. */
    private List<String> publishAgain() throws Exception {
        RecordingSink again = new RecordingSink();
        try (Producer producer = Producer.open(tree.settings(), again, SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        return again.committedChanges();
    }

    /** What a consumer applying the committed events would hold: path to SHA-256, or "dir". */
    private static Map<String, String> mirrorOf(RecordingSink sink) {
        TreeMap<String, String> mirror = new TreeMap<>();
        for (ChangeEvent event : sink.committed()) {
            String path = event.path().text();
            if (event instanceof PutFile put) {
                mirror.put(path, put.sha256());
            } else if (event instanceof PutDirectory) {
                mirror.put(path, "dir");
            } else if (event instanceof Delete) {
                removeTree(mirror, path);
            } else if (event instanceof Rename rename) {
                Map<String, String> moved = new TreeMap<>(mirror.subMap(rename.from().text() + "/", rename.from().text() + "0"));
                String top = mirror.get(rename.from().text());
                removeTree(mirror, rename.from().text());
                removeTree(mirror, path);
                mirror.put(path, top);
                moved.forEach((from, value) -> mirror.put(path + from.substring(rename.from().text().length()), value));
            }
        }
        return mirror;
    }

    private static void removeTree(TreeMap<String, String> mirror, String path) {
        mirror.remove(path);
        mirror.subMap(path + "/", path + "0").clear();
    }

    private static Map<String, String> contentOf(Path root) throws IOException {
        Map<String, String> content = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(path -> !path.equals(root)).forEach(path -> content.put(root.relativize(path).toString(),
                    Files.isDirectory(path) ? "dir" : SourceFixture.sha256(read(path))));
        }
        return content;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the producer on a thread of its own, as the command line does. */
    private static Executor ownThread() {
        return task -> {
            Thread thread = new Thread(task, "producer");
            thread.setDaemon(true);
            thread.start();
        };
    }

    private static PublishSummary publishOnce(Producer producer) {
        try {
            return producer.publishOnce();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void watch(Producer producer) {
        try {
            producer.watch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
