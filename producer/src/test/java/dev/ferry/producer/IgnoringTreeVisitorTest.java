package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.producer.watch.CloseWatch;
import dev.ferry.producer.watch.ClosedFiles;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the walk that registers a new directory's subtree with the watcher, when a directory goes
 * away between being listed and being registered (renamed or deleted by the writer meanwhile), or
 * cannot be watched (the watch limit reached), then the walk goes on with the rest: one directory
 * must not leave its siblings unwatched; one that cannot be watched is rescanned instead.
 */
class IgnoringTreeVisitorTest {

    @TempDir
    Path temp;

    @Test
    void aDirectoryGoneBeforeItsRegistrationDoesNotEndTheWalk() throws IOException {
        SourceFixture tree = new SourceFixture(temp);
        for (String name : List.of("a", "b", "c")) {
            tree.write("top/" + name + "/deeper/file.txt", name);
        }
        Path top = tree.path("top");
        List<Path> registered = new ArrayList<>();

        visitor(tree).recursiveVisitFiles(top, dir -> {
            if (dir.getFileName().toString().equals("b")) {
                // What the JDK's WatchService says when the directory is no longer there.
                throw new NoSuchFileException(dir.toString());
            }
            if (dir.getFileName().toString().equals("c")) {
                throw new NotDirectoryException(dir.toString()); // Replaced by a file meanwhile.
            }
            registered.add(dir);
        }, file -> { });

        assertThat(registered).containsExactlyInAnyOrder(top, top.resolve("a"), top.resolve("a/deeper"));
    }

    @Test
    void aDirectoryThatCannotBeWatchedIsRecordedAndTheWalkGoesOnBelowItAndBeyond() throws IOException {
        SourceFixture tree = new SourceFixture(temp);
        for (String name : List.of("a", "b", "c")) {
            tree.write("top/" + name + "/deeper/file.txt", name);
        }
        Path top = tree.path("top");
        List<Path> registered = new ArrayList<>();
        UnwatchedDirectories unwatched = new UnwatchedDirectories(tree.source, Duration.ofSeconds(1));

        new IgnoringTreeVisitor(new SourceTree(tree.source), SourceIgnores.load(tree.source, IgnoreSettings.DEFAULTS),
                unwatched.begin(), CloseWatch.off(tree.source)).recursiveVisitFiles(top, dir -> {
                    if (dir.getFileName().toString().equals("b")) {
                        throw new IOException("User limit of inotify watches reached"); // the JDK's words for ENOSPC
                    }
                    registered.add(dir);
                }, file -> { });

        assertThat(registered).containsExactlyInAnyOrder(top, top.resolve("a"), top.resolve("a/deeper"),
                top.resolve("b/deeper"), top.resolve("c"), top.resolve("c/deeper"));
        assertThat(unwatched.count()).isEqualTo(1);
        assertThat(unwatched.dueAt(Instant.now().plusSeconds(2), new SourceTree(tree.source)))
                .as("what the first rescan compares").isEmpty(); // the first look sets when it is due
        assertThat(unwatched.dueAt(Instant.now().plusSeconds(4), new SourceTree(tree.source)))
                .containsExactly(Scope.tree(RelPath.of("top/b")));
    }

    /**
     * Watches for closes count against the same limit as watches for changes: when the limit is
     * reached, the close watch gives all of its up, and the directory is watched for changes with them.
     */
    @Test
    void atTheWatchLimitTheCloseWatchGivesUpItsWatchesForTheDirectoryWatcher() throws IOException {
        SourceFixture tree = new SourceFixture(temp);
        for (String name : List.of("a", "b", "c")) {
            tree.write("top/" + name + "/file.txt", name);
        }
        Path top = tree.path("top");
        List<Path> registered = new ArrayList<>();
        UnwatchedDirectories unwatched = new UnwatchedDirectories(tree.source, Duration.ofSeconds(1));
        List<Path> failedOnce = new ArrayList<>();
        try (CloseWatch closes = CloseWatch.start(tree.source, new ClosedFiles(), file -> { })) {
            new IgnoringTreeVisitor(new SourceTree(tree.source), SourceIgnores.load(tree.source,
                    IgnoreSettings.DEFAULTS), unwatched.begin(), closes).recursiveVisitFiles(top, dir -> {
                        if (dir.getFileName().toString().equals("b") && failedOnce.isEmpty()) {
                            failedOnce.add(dir);
                            throw new IOException("User limit of inotify watches reached");
                        }
                        registered.add(dir);
                    }, file -> { });

            assertThat(closes.isWatching()).as("gave its watches up").isFalse();
        }
        assertThat(registered).containsExactlyInAnyOrder(top, top.resolve("a"), top.resolve("b"), top.resolve("c"));
        assertThat(unwatched.count()).isZero();
    }

    private static IgnoringTreeVisitor visitor(SourceFixture tree) throws IOException {
        return new IgnoringTreeVisitor(new SourceTree(tree.source),
                SourceIgnores.load(tree.source, IgnoreSettings.DEFAULTS),
                new UnwatchedDirectories(tree.source, Duration.ofSeconds(1)).begin(), CloseWatch.off(tree.source));
    }
}
