package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a watched tree, when it changes, then the change is published within moments. */
class WatchTest {

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
        tree.write("existing.txt", "was there before the watch");
        producer = Producer.open(tree.settings(Duration.ofMillis(50), 256), sink, Clock.systemUTC());
        watching = WatchingThread.start(producer);
        awaitChange("put existing.txt");
    }

    @AfterEach
    void closeStopsTheWatchCleanly() throws Exception {
        producer.close();
        watching.awaitEnd(Duration.ofSeconds(10)); // Returns normally: a clean stop.
        assertThat(sink.isClosed()).isTrue();
        List<Long> seqs = sink.sent().stream().map(ChangeEvent::seq).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void createModifyRenameAndDeleteArePublished() {
        tree.write("new.txt", "created");
        awaitChange("put new.txt");

        tree.write("new.txt", "created, then modified");
        await().atMost(WITHIN).until(() -> sink.committed().stream()
                .anyMatch(e -> e instanceof PutFile put && put.path().text().equals("new.txt")
                        && put.size() == "created, then modified".length()));

        tree.move("new.txt", "renamed.txt");
        awaitChange("rename new.txt -> renamed.txt");

        tree.delete("existing.txt");
        awaitChange("delete existing.txt");
    }

    /**
     * The directory may be published before its files (they are looked at again once settled):
     * the consumer keeps a directory's modification time when files land in it, so the order does
     * not change the replica.
     */
    @Test
    void filesWrittenIntoANewDirectoryAtOnceAreAllPublishedWithTheirDirectories() {
        for (int i = 0; i < 20; i++) {
            tree.write("new/sub/file" + i, "file " + i);
        }

        await().atMost(WITHIN).untilAsserted(() -> {
            List<String> changes = sink.committedChanges();
            for (int i = 0; i < 20; i++) {
                assertThat(changes).contains("put new/sub/file" + i);
            }
            assertThat(changes).contains("dir new/sub", "dir new");
        });
    }

    @Test
    void aRenamedDirectoryIsOneRenameAndWhatChangesInItAfterwardsIsPublished() {
        tree.write("photos/a.jpg", "a");
        tree.write("photos/b.jpg", "b");
        awaitChange("dir photos");

        tree.move("photos", "albums");
        awaitChange("rename photos -> albums");
        tree.write("albums/c.jpg", "added after the rename");
        awaitChange("put albums/c.jpg");

        assertThat(sink.committedChanges()).doesNotContain("put albums/a.jpg", "delete photos");
    }

    /**
     * A directory moved in is registered by a walk of its subtree; when the writer renames some of
     * its subdirectories while that walk runs, every other subdirectory must still be watched.
     * Before IgnoringTreeVisitor skipped a vanished directory, the walk ended there, and files
     * written later into the subdirectories after it were never published.
     */
    @Test
    void subdirectoriesRenamedWhileANewTreeIsRegisteredLeaveTheRestWatched() throws Exception {
        int stable = 200;
        int churning = 10;
        for (int round = 0; round < 3; round++) {
            String top = "r" + round;
            Path outside = Files.createDirectories(temp.resolve("outside/" + top));
            for (int i = 0; i < stable; i++) {
                Files.writeString(Files.createDirectories(outside.resolve("s" + i)).resolve("first.txt"), "first");
            }
            for (int i = 0; i < churning; i++) {
                Files.createDirectories(outside.resolve("c" + i));
            }
            Path moved = Files.move(outside, tree.path(top));
            // Flips the names of a few subdirectories back and forth for as long as the walk may take.
            long until = System.nanoTime() + Duration.ofMillis(400).toNanos();
            while (System.nanoTime() < until) {
                for (int i = 0; i < churning; i++) {
                    Files.move(moved.resolve("c" + i), moved.resolve("x" + i));
                    Files.move(moved.resolve("x" + i), moved.resolve("c" + i));
                }
            }
            awaitChanges(stable, i -> "put " + top + "/s" + i + "/first.txt");
            for (int i = 0; i < stable; i++) {
                tree.write(top + "/s" + i + "/later.txt", "written once the watch is in place");
            }
            awaitChanges(stable, i -> "put " + top + "/s" + i + "/later.txt");
        }
    }

    private void awaitChanges(int count, IntFunction<String> change) {
        List<String> expected = IntStream.range(0, count).mapToObj(change).toList();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(sink.committedChanges()).containsAll(expected));
    }

    private void awaitChange(String change) {
        await().atMost(WITHIN).until(() -> sink.committedChanges().contains(change));
    }
}
