package dev.ferry.producer;

import dev.ferry.producer.watch.CloseWatch;
import dev.ferry.wire.RelPath;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * How the watcher finds the directories to watch, at start and whenever one is created: like the
 * library's own walk, but it does not descend into an ignored directory, so a tree that ignores
 * {@code node_modules/} spends no watches on it. A directory that vanishes while the walk registers
 * it is skipped; one that cannot be watched (the watch limit, permission denied) is recorded in
 * {@link UnwatchedDirectories}, to be rescanned, and the walk goes on. Each directory watched is
 * watched for closed files too ({@link CloseWatch}), which gives its watches up first when the
 * limit is reached.
 */
final class IgnoringTreeVisitor implements FileTreeVisitor {

    private final SourceTree tree;
    private final SourceIgnores ignores;
    private final UnwatchedDirectories.Generation unwatched;
    private final CloseWatch closes;

    IgnoringTreeVisitor(SourceTree tree, SourceIgnores ignores, UnwatchedDirectories.Generation unwatched,
                        CloseWatch closes) {
        this.tree = tree;
        this.ignores = ignores;
        this.unwatched = unwatched;
        this.closes = closes;
    }

    @Override
    public void recursiveVisitFiles(Path start, Callback onDirectory, Callback onFile) throws IOException {
        long[] done = {0, 0}; // directories called back, directories whose callback failed
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (isIgnored(dir, true, dir.equals(start))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                try {
                    watch(dir, onDirectory);
                    done[0]++;
                } catch (NoSuchFileException | NotDirectoryException gone) {
                    // Renamed or deleted since it was listed. Thrown on, it would end the whole walk
                    // and leave every directory after it unwatched, for good (a ForwardingTest run
                    // lost a subtree this way). Where it went, its own create event registers it.
                    return FileVisitResult.SKIP_SUBTREE;
                } catch (IOException cannotWatch) {
                    // The watch limit reached, or permission denied: it is rescanned instead, and the
                    // walk goes on below it too, so that every directory left unwatched is counted.
                    unwatched.record(dir, cannotWatch);
                    done[1]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!isIgnored(file, attributes.isDirectory(), false)) {
                    onFile.call(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    // Its listing broke off (not because it was deleted, which its parent's events tell):
                    // what was not listed is not watched, so the whole of it is rescanned.
                    unwatched.record(dir, e);
                    done[1]++;
                }
                return FileVisitResult.CONTINUE; // The default throws, which would end the whole walk.
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof AccessDeniedException) {
                    // A directory that cannot be read cannot be watched either: rescanned, it is
                    // published once it can be read.
                    unwatched.record(file, e);
                    done[1]++;
                }
                return FileVisitResult.CONTINUE; // Gone: the comparison will tell.
            }
        });
        unwatched.walked(done[0] + done[1], done[1] > 0);
    }

    /** Watches {@code dir} for changes, and then for closes; changes come first when watches run short. */
    private void watch(Path dir, Callback onDirectory) throws IOException {
        try {
            onDirectory.call(dir);
        } catch (IOException cannotWatch) {
            if (!isWatchLimit(cannotWatch) || !closes.yieldWatches()) {
                throw cannotWatch;
            }
            onDirectory.call(dir); // With the watches the close watch held.
        }
        closes.watch(dir);
    }

    /** How Java's WatchService says ENOSPC. */
    static boolean isWatchLimit(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("inotify watches");
    }

    /** Within a walk the directories above are known not to be ignored; where a walk starts they are not. */
    private boolean isIgnored(Path path, boolean isDirectory, boolean walkStartsHere) {
        RelPath relative = tree.relativize(path);
        if (relative == null) {
            return false; // The root, or a name the comparison skips anyway.
        }
        return walkStartsHere ? ignores.isIgnored(relative, isDirectory) : ignores.isIgnoredEntry(relative, isDirectory);
    }
}
