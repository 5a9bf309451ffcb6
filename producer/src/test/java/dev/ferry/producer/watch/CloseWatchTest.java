package dev.ferry.producer.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the close watch records, on Linux's own events: a written file once closed, and nothing it cannot vouch for. */
class CloseWatchTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ClosedFiles closes = new ClosedFiles();
    private final List<Path> told = new CopyOnWriteArrayList<>();
    private CloseWatch watch;

    @BeforeEach
    void watch() {
        watch = CloseWatch.start(dir, closes, told::add);
        watch.watch(dir);
        assertThat(watch.isWatching()).isTrue();
    }

    @AfterEach
    void stop() {
        watch.close();
    }

    @Test
    void aFileClosedAfterWritingIsRecordedWithItsModificationTimeAndTold() throws IOException {
        Path file = dir.resolve("report 📷.txt");
        Files.writeString(file, "done");

        await().atMost(WITHIN).until(() -> told.contains(file));
        assertThat(closedAsItIs(file)).isTrue();
        assertThat(closes.closedAt(file, mtime(file) - 1, Files.size(file))).as("another time: another version")
                .isFalse();
        assertThat(closes.closedAt(file, mtime(file), Files.size(file) + 1)).as("another size: another version")
                .isFalse();
    }

    @Test
    void aFileWrittenAgainAfterItsCloseIsNoLongerClosed() throws IOException {
        Path file = dir.resolve("log.txt");
        Files.writeString(file, "first writer");
        await().atMost(WITHIN).until(() -> closedAsItIs(file));

        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            out.write(", second writer, still writing".getBytes());
            out.flush();
            // The second writer's time is the file's now: a record of it would be a lie until it closes.
            await().atMost(WITHIN).until(() -> closes.size() == 0);
            assertThat(closedAsItIs(file)).isFalse();
        }
        await().atMost(WITHIN).until(() -> closedAsItIs(file));
    }

    @Test
    void aClosedFileRenamedStaysClosedUnderItsNewNameAndOneMovedInFromOutsideIsNot() throws IOException {
        Path temporary = dir.resolve(".page.html.tmp");
        Files.writeString(temporary, "<p>saved the safe way</p>");
        await().atMost(WITHIN).until(() -> told.contains(temporary));
        Path page = dir.resolve("page.html");
        long mtime = mtime(temporary);
        long size = Files.size(temporary);
        Files.move(temporary, page, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WITHIN).until(() -> closes.closedAt(page, mtime, size));
        assertThat(closes.closedAt(temporary, mtime, size)).isFalse();

        Path outside = Files.createTempDirectory(dir.getParent(), "outside").resolve("other.html");
        Files.writeString(outside, "written where nobody watched");
        Files.move(outside, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WITHIN).until(() -> !closes.closedAt(page, mtime, size));
        assertThat(closedAsItIs(page)).isFalse();
    }

    @Test
    void aFileDeletedAndLinkedAgainWithoutWritingIsNotClosed() throws IOException {
        Path file = dir.resolve("data.bin");
        Files.writeString(file, "v1");
        await().atMost(WITHIN).until(() -> closedAsItIs(file));
        long mtime = mtime(file);
        // Another file with the very same time, written where nobody watches, linked in by the same name.
        Path elsewhere = Files.createTempDirectory(dir.getParent(), "elsewhere").resolve("other.bin");
        Files.writeString(elsewhere, "v2");
        Files.setLastModifiedTime(elsewhere, java.nio.file.attribute.FileTime.from(mtime, TimeUnit.NANOSECONDS));

        Files.delete(file);
        Files.createLink(file, elsewhere);

        await().atMost(WITHIN).until(() -> closes.size() == 0);
        assertThat(closedAsItIs(file)).isFalse();
    }

    @Test
    void aCloseInADirectoryMovedOutOfTheTreeIsNotTakenForTheFileNowAtItsOldPath() throws Exception {
        Path old = Files.createDirectories(dir.resolve("build"));
        watch.watch(old);
        Path away = Files.createTempDirectory(dir.getParent(), "away").resolve("build");
        Files.move(old, away);
        Files.createDirectories(old);
        watch.watch(old); // The walk of the new directory of that name.
        Path log = old.resolve("out.log");
        try (OutputStream writer = Files.newOutputStream(log)) {
            writer.write("the first half of what the new build writes".getBytes());
            writer.flush();
            // The old directory's watch goes on: a close in it names out.log, which is the new one's at that path.
            Files.writeString(away.resolve("out.log"), "written and closed where the tree no longer is");
            Path marker = dir.resolve("marker.txt");
            Files.writeString(marker, "after it, on the same queue");
            await().atMost(WITHIN).until(() -> told.contains(marker));

            assertThat(told).doesNotContain(log);
            assertThat(closedAsItIs(log)).as("still open for writing").isFalse();
        }
    }

    @Test
    void aDirectoryRenamedWithinTheTreeIsWatchedUnderItsNewNameOnceTheWalkWatchesIt() throws IOException {
        Path before = Files.createDirectories(dir.resolve("drafts"));
        watch.watch(before);
        Path after = dir.resolve("final");
        Files.move(before, after);
        watch.watch(after); // The directory watcher's walk of the directory its create event names.

        Path file = Files.writeString(after.resolve("text.md"), "written after the rename");
        await().atMost(WITHIN).until(() -> told.contains(file));
        assertThat(closedAsItIs(file)).isTrue();
    }

    @Test
    void givingUpItsWatchesForgetsEveryRecordAndRecordsNoMore() throws IOException {
        Path first = dir.resolve("first.txt");
        Files.writeString(first, "recorded");
        await().atMost(WITHIN).until(() -> told.contains(first));

        assertThat(watch.yieldWatches()).isTrue();
        assertThat(watch.yieldWatches()).as("nothing left to give").isFalse();
        assertThat(watch.isWatching()).isFalse();
        assertThat(closedAsItIs(first)).isFalse();

        watch.watch(dir); // The walk goes on: nothing is watched any more.
        List<Path> witnessed = new CopyOnWriteArrayList<>();
        try (CloseWatch witness = CloseWatch.start(dir, new ClosedFiles(), witnessed::add)) {
            witness.watch(dir);
            Path second = dir.resolve("second.txt");
            Files.writeString(second, "not recorded");
            // The kernel queues a close for every instance watching, at once: had the watch kept one, its
            // event would be as far along as the witness's.
            await().atMost(WITHIN).until(() -> witnessed.contains(second));
        }
        assertThat(told).containsExactly(first);
        assertThat(closes.size()).isZero();
    }

    @Test
    void aCloseIsNotBelievedWhileAnotherWriterStillHoldsTheFile() throws IOException {
        Path log = dir.resolve("app.log");
        try (OutputStream daemon = Files.newOutputStream(log)) {
            daemon.write("a record half writ".getBytes());
            daemon.flush();
            Files.writeString(log, "a line a cron job appends\n", StandardOpenOption.APPEND); // Opens, writes, closes.
            Path marker = dir.resolve("marker.txt");
            Files.writeString(marker, "closed after the append");
            await().atMost(WITHIN).until(() -> told.contains(marker));

            assertThat(told).doesNotContain(log);
            assertThat(closedAsItIs(log)).as("the daemon still writes").isFalse();
        }
        await().atMost(WITHIN).until(() -> closedAsItIs(log)); // The last writer closed it.
    }

    @Test
    void aCloseOfAnOpenNotSeenIsNotBelieved() throws IOException {
        Path later = Files.createDirectories(dir.resolve("later"));
        Path file = later.resolve("opened before the watch.txt");
        try (OutputStream writer = Files.newOutputStream(file)) {
            writer.write("written before the directory was watched".getBytes());
            watch.watch(later);
        }
        Path marker = later.resolve("marker.txt");
        Files.writeString(marker, "opened and closed while watched");
        await().atMost(WITHIN).until(() -> told.contains(marker));

        assertThat(told).doesNotContain(file);
        assertThat(closedAsItIs(file)).isFalse();
    }

    /**
     * No inotify instance is taken before the directory watcher's walk gives it a directory, by then
     * the directory watcher has its own: with one instance left for the user
     * (fs.inotify.max_user_instances), the directory watcher is the one to get it.
     */
    @Test
    void itTakesNoInstanceBeforeItsFirstDirectory() {
        try (CloseWatch fresh = CloseWatch.start(dir, new ClosedFiles(), file -> { })) {
            assertThat(fresh.isRunning()).isFalse();
            fresh.watch(dir);
            assertThat(fresh.isRunning()).isTrue();
        }
    }

    @Test
    void aDeferredWatchWatchesTheDirectoriesItKeptFromItsActivationOn() throws IOException {
        Path kept = Files.createDirectories(dir.resolve("kept"));
        List<Path> heard = new CopyOnWriteArrayList<>();
        try (CloseWatch deferred = CloseWatch.deferred(dir, new ClosedFiles(), heard::add)) {
            deferred.watch(kept);
            assertThat(deferred.isRunning()).as("no instance yet").isFalse();
            Path before = Files.writeString(kept.resolve("read by the first comparison.txt"), "not heard");

            deferred.activate();
            Path after = Files.writeString(kept.resolve("closed after.txt"), "heard");
            await().atMost(WITHIN).until(() -> heard.contains(after));
            assertThat(heard).containsExactly(after).doesNotContain(before);
        }
    }

    @Test
    void aWatchThatIsOffRecordsNothing() throws IOException {
        CloseWatch off = CloseWatch.off(dir);
        off.watch(dir);
        assertThat(off.isWatching()).isFalse();
        assertThat(off.yieldWatches()).isFalse();
        off.close();
    }

    @Test
    void closingEndsItsThreadByWakingItsWait() {
        assertThat(watch.isRunning()).isTrue();
        watch.close(); // Waits 5 s at most for a thread whose wait lasts 10 s: only a wake ends it in time.
        assertThat(watch.isRunning()).isFalse();
    }

    private boolean closedAsItIs(Path file) throws IOException {
        return closes.closedAt(file, mtime(file), Files.size(file));
    }

    private static long mtime(Path file) throws IOException {
        return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
    }
}
