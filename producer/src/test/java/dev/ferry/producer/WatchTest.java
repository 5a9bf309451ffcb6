package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    CompletableFuture<Void> watching = new CompletableFuture<>();

    @BeforeEach
    void startWatching() throws Exception {
        tree = new SourceFixture(temp);
        tree.write("existing.txt", "was there before the watch");
        producer = Producer.open(tree.settings(Duration.ofMillis(50), 256), sink, Clock.systemUTC());
        Thread thread = new Thread(() -> {
            try {
                producer.watch();
                watching.complete(null);
            } catch (Throwable e) {
                watching.completeExceptionally(e);
            }
        }, "watch");
        thread.setDaemon(true);
        thread.start();
        awaitChange("put existing.txt");
    }

    @AfterEach
    void closeStopsTheWatchCleanly() throws Exception {
        producer.close();
        watching.get(10, TimeUnit.SECONDS); // Returns normally: a clean stop.
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

    private void awaitChange(String change) {
        await().atMost(WITHIN).until(() -> sink.committedChanges().contains(change));
    }
}
