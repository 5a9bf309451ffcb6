package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.ignore.IgnoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a watched tree with ignore rules, when ignored paths change, then nothing is published for
 * them; when .ferryignore changes, then the new rules apply at once.
 */
class IgnoreWatchTest {

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
        tree.write(".ferryignore", "cache/\n");
        tree.write("cache/old.bin", "ignored from the start");
        tree.write("published.txt", "published before it becomes ignored");
        IgnoreSettings ignore = new IgnoreSettings(true, List.of("*.log"));
        producer = Producer.open(tree.settings(Duration.ofMillis(50), 256).withIgnore(ignore), sink,
                Clock.systemUTC());
        watching = WatchingThread.start(producer);
        awaitChange("put published.txt");
    }

    @AfterEach
    void stop() throws Exception {
        producer.close();
        watching.awaitEnd(Duration.ofSeconds(10));
    }

    @Test
    void ignoredFilesWrittenWhileWatchingAreNotPublished() {
        tree.write(".draft.txt.swp", "swap");
        tree.write("app.log", "log line");
        tree.write("cache/new.bin", "in an ignored directory");
        tree.write("cache/deeper/more.bin", "deeper in it");
        tree.write("notes/report.txt~", "a backup in a new directory");
        tree.write("notes/report.txt", "the real thing");

        awaitChange("put notes/report.txt");
        awaitChange("dir notes");
        // A new directory may be published before its settled files (see WatchTest).
        assertThat(sink.committedChanges()).startsWith("put .ferryignore", "put published.txt")
                .containsExactlyInAnyOrder("put .ferryignore", "put published.txt", "put notes/report.txt", "dir notes");
    }

    @Test
    void anIgnoredFileDeletedWhileWatchingIsNotDeletedOnTheReplica() {
        tree.write(".ferryignore", "cache/\npublished.txt\n");
        awaitChange("put .ferryignore", 2);

        tree.delete("published.txt");
        tree.write("marker.txt", "written after the delete");
        awaitChange("put marker.txt");

        assertThat(sink.committedChanges()).doesNotContain("delete published.txt");
    }

    @Test
    void aDirectoryNoLongerIgnoredIsPublishedAndWatched() {
        tree.write(".ferryignore", "");

        awaitChange("put cache/old.bin");
        awaitChange("dir cache");

        tree.write("cache/added.bin", "written once the directory is watched");
        awaitChange("put cache/added.bin");
    }

    private void awaitChange(String change) {
        awaitChange(change, 1);
    }

    private void awaitChange(String change, int times) {
        await().atMost(WITHIN).until(() -> sink.committedChanges().stream().filter(change::equals).count() >= times);
    }
}
