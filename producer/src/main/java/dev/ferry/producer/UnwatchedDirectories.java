package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories of the source the watcher could not watch (the inotify watch limit reached,
 * permission denied, no inotify instance left), which the producer compares with its index every
 * {@code rescanInterval} instead, so that a change in one of them reaches the mirrors late, never
 * not at all.
 *
 * <p>Each start of the watcher begins a {@link Generation}, which its walks fill (on the watcher's
 * thread, or the producer's at start): a walk of a watcher already stopped writes to its own
 * generation and cannot leave a stale entry in the current one. Everything else runs on the
 * producer's thread. The first time directories cannot be watched, the producer says so once, with
 * the limit to raise and by how much; the count is in its heartbeat after that.
 */
final class UnwatchedDirectories {

    /** Where Linux keeps the limit of inotify watches per user; the user namespace's limit applies too. */
    static final Path SYSTEM_LIMIT = Path.of("/proc/sys/fs/inotify/max_user_watches");
    static final Path NAMESPACE_LIMIT = Path.of("/proc/sys/user/max_inotify_watches");
    /** What sysctl advice commonly gives (Syncthing's, VS Code's). */
    private static final long SUGGESTED_LIMIT = 524_288;

    private static final Logger log = LoggerFactory.getLogger(UnwatchedDirectories.class);

    private final Path root;
    private final Duration rescanInterval;
    /** What was said already, once per producer: the watch limit, and anything else. */
    private final AtomicBoolean saidLimit = new AtomicBoolean();
    private final AtomicBoolean saidOther = new AtomicBoolean();
    private volatile Generation current;
    private Instant nextRescan; // Producer thread only.

    UnwatchedDirectories(Path root, Duration rescanInterval) {
        this.root = root;
        this.rescanInterval = rescanInterval;
        this.current = new Generation();
    }

    /** The watcher starts (again): what its walks cannot watch goes to the generation returned. */
    Generation begin() {
        current = new Generation();
        nextRescan = null;
        return current;
    }

    /** How many directories are not watched now. */
    int count() {
        return current.directories.size();
    }

    /**
     * The directories to compare now, each with its subtree (once for nested ones), if a rescan is
     * due at {@code now} (the first one {@code rescanInterval} after they were found); else none. A
     * directory gone since is compared as an entry, which publishes its deletion, and forgotten.
     */
    List<Scope> dueAt(Instant now, SourceTree tree) {
        Set<Path> directories = current.directories;
        if (directories.isEmpty()) {
            nextRescan = null;
            return List.of();
        }
        if (nextRescan == null) {
            nextRescan = now.plus(rescanInterval);
        }
        if (now.isBefore(nextRescan)) {
            return List.of();
        }
        nextRescan = now.plus(rescanInterval);
        if (directories.contains(root)) {
            return List.of(Scope.WHOLE_TREE);
        }
        List<Scope> scopes = new ArrayList<>();
        for (Path directory : directories) {
            RelPath relative = tree.relativize(directory);
            if (relative == null) {
                directories.remove(directory);
            } else if (!Files.isDirectory(directory)) {
                directories.remove(directory);
                scopes.add(Scope.entry(relative));
            } else if (!hasUnwatchedAncestor(directories, directory)) {
                scopes.add(Scope.tree(relative));
            }
        }
        return scopes;
    }

    private boolean hasUnwatchedAncestor(Set<Path> directories, Path directory) {
        for (Path above = directory.getParent(); above != null && above.startsWith(root); above = above.getParent()) {
            if (directories.contains(above)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the watch limit was raised since a directory could not be watched for it: watching again may work. */
    boolean limitRaised() {
        Failure failure = current.limitFailure.get();
        return failure != null && !current.directories.isEmpty() && Limit.current().value() > failure.limit().value();
    }

    /** What one start of the watcher could not watch. */
    final class Generation {

        private final Set<Path> directories = ConcurrentHashMap.newKeySet();
        /** The first failure for the watch limit, and the first for anything else (permission denied, say). */
        private final AtomicReference<Failure> limitFailure = new AtomicReference<>();
        private final AtomicReference<Failure> otherFailure = new AtomicReference<>();
        /** The most directories one walk of this watcher came across: the whole tree's, at its start. */
        private final AtomicLong treeSize = new AtomicLong();

        private Generation() {
        }

        /** The watcher could not watch {@code directory}; it is rescanned instead. */
        void record(Path directory, IOException cause) {
            if (directories.add(directory)) {
                Failure failure = Failure.of(cause);
                (failure.limit() != null ? limitFailure : otherFailure).compareAndSet(null, failure);
                log.debug("not watching {}: {}", directory, cause.toString());
            }
        }

        /**
         * A walk that came across {@code visited} directories is over; if it could not watch some
         * ({@code failed}), and for the first time in the producer's life, it says so.
         */
        void walked(long visited, boolean failed) {
            long tree = treeSize.accumulateAndGet(visited, Math::max);
            if (!failed || current != this) {
                return;
            }
            // Each kind once: an unreadable directory met first must not hide the watch limit's advice.
            say(limitFailure.get(), saidLimit, tree);
            say(otherFailure.get(), saidOther, tree);
        }

        private void say(Failure failure, AtomicBoolean said, long tree) {
            if (failure == null || !said.compareAndSet(false, true)) {
                return;
            }
            int unwatched = directories.size();
            long all = Math.max(tree, unwatched);
            log.warn("cannot watch {} of the {} directories of {} ({}){}; each is compared with what was published "
                            + "every {} instead (--rescan-interval), so changes in them reach the mirrors that much "
                            + "later", unwatched, all, root, failure.reason(), failure.advice(all),
                    describe(rescanInterval));
        }
    }

    /** Why directories could not be watched, and the watch limit then (when that was the reason). */
    record Failure(String reason, Limit limit) {

        static Failure of(IOException cause) {
            String reason = cause instanceof AccessDeniedException ? "permission denied"
                    : cause.getMessage() == null ? cause.toString() : cause.getMessage();
            return new Failure(reason, IgnoringTreeVisitor.isWatchLimit(cause) ? Limit.current() : null);
        }

        String advice(long directoriesInTree) {
            if (reason.contains("inotify instances")) {
                return "; raise fs.inotify.max_user_instances (sudo sysctl fs.inotify.max_user_instances=1024, and "
                        + "in a file of /etc/sysctl.d/ to keep it), or the limit of open files if that is what ran out";
            }
            if (limit == null || limit.value() == Long.MAX_VALUE) {
                return "";
            }
            // Room for the tree on top of what other programs of the user hold already: 2 to 4 times that.
            long suggested = Math.max(SUGGESTED_LIMIT, Long.highestOneBit(limit.value() + directoriesInTree) << 2);
            // Two per directory read files the moment they are closed (CloseWatch), which gives its watches
            // up first: one is what changes need, and the suggestion leaves room for both.
            return "; this tree needs one watch per directory, " + directoriesInTree + " (and as many again to read "
                    + "files the moment they are closed), and " + limit.name()
                    + " allows " + limit.value() + " for all programs of this user: raise it (sudo sysctl "
                    + limit.name() + "=" + suggested + ", and in a file of /etc/sysctl.d/ to keep it); the producer "
                    + "watches them once it is raised";
        }
    }

    /** "60 s", "500 ms". */
    private static String describe(Duration interval) {
        return interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
    }

    /** The binding limit of inotify watches: the system's, or the user namespace's if lower. */
    record Limit(String name, long value) {

        static Limit current() {
            long system = read(SYSTEM_LIMIT);
            long namespace = read(NAMESPACE_LIMIT);
            return namespace < system ? new Limit("user.max_inotify_watches", namespace)
                    : new Limit("fs.inotify.max_user_watches", system);
        }

        private static long read(Path file) {
            // Not Files.readString: /proc's files say they are empty, and it read one byte of them.
            try (BufferedReader reader = Files.newBufferedReader(file)) {
                String line = reader.readLine();
                return line == null ? Long.MAX_VALUE : Long.parseLong(line.trim());
            } catch (IOException | NumberFormatException e) {
                return Long.MAX_VALUE; // Not Linux, or not readable: no limit that we know of.
            }
        }
    }
}
