package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent.PutFile;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a file its writer closed is read at once, not after the quiet period; one still open for
 * writing waits for it as before. The quiet period here is a minute, so that only the close can
 * explain a file published within seconds.
 */
class CloseEventsTest {

    private static final Duration QUIET = Duration.ofMinutes(1);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    SourceFixture tree;
    RecordingSink sink = new RecordingSink();
    Producer producer;
    WatchingThread watching;

    @BeforeEach
    void startWatching() throws Exception {
        tree = new SourceFixture(temp);
        tree.write("docs/readme.txt", "there before the watch"); // A directory the walk watches.
        producer = Producer.open(tree.settings(QUIET, 256), sink, Clock.systemUTC());
        watching = WatchingThread.start(producer);
        await().atMost(WITHIN).until(() -> sink.committedChanges().contains("dir docs"));
        // Closes are watched from the end of the first comparison on: a file closed then is published.
        awaitClosesWatched();
    }

    @AfterEach
    void stop() throws Exception {
        producer.close();
        watching.awaitEnd(Duration.ofSeconds(10));
    }

    /** Rewrites a probe until its close is what publishes it (each rewrite a new size): bounded by {@link #WITHIN}. */
    private void awaitClosesWatched() {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        for (int round = 1; System.nanoTime() < deadline; round++) {
            String content = "probe".repeat(round);
            tree.write("probe.txt", content);
            try {
                await().atMost(Duration.ofMillis(500)).until(() -> sink.committed().stream().anyMatch(e ->
                        e instanceof PutFile put && put.path().text().equals("probe.txt")
                                && put.size() == content.length()));
                return;
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                // Written before closes were watched: it waits out the minute.
            }
        }
        throw new AssertionError("no probe closed after writing was published within " + WITHIN);
    }

    @Test
    void aFileClosedAfterWritingIsPublishedWithoutWaitingForTheQuietPeriod() {
        tree.write("docs/new.txt", "written and closed");

        await().atMost(WITHIN).until(() -> sink.committedChanges().contains("put docs/new.txt"));
        tree.write("docs/new.txt", "written again, and closed again");
        await().atMost(WITHIN).until(() -> sink.committed().stream().anyMatch(e -> e instanceof PutFile put
                && put.path().text().equals("docs/new.txt") && put.size() == "written again, and closed again".length()));
    }

    @Test
    void aFileItsWriterKeepsOpenWaitsForTheQuietPeriodAndGoesOnceClosed() throws Exception {
        Path file = tree.path("docs/growing.log");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("first line\n".getBytes());
            out.flush();
            tree.write("docs/marker.txt", "closed after the first line was written");
            await().atMost(WITHIN).until(() -> sink.committedChanges().contains("put docs/marker.txt"));
            // The marker went, in a batch after the log's first write: the log did not, as it is open.
            assertThat(sink.committedChanges()).doesNotContain("put docs/growing.log");
            out.write("second line\n".getBytes());
        }

        await().atMost(WITHIN).until(() -> sink.committed().stream().anyMatch(e -> e instanceof PutFile put
                && put.path().text().equals("docs/growing.log") && put.size() == "first line\nsecond line\n".length()));
    }
}
