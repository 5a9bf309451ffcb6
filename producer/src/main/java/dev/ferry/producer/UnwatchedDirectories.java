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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories of the source the watcher could not watch (the inotify watch limit reached,
 * permission denied, no inotify instance left), which the producer compares with its index every
 * {@code rescanInterval} instead, so that a change in one of them reaches the mirrors late, never
 * not at all.
 *
 * <p>Filled by the watcher's walks ({@link IgnoringTreeVisitor}), on the watcher's thread or the
 * producer's, read by the producer's: it is thread-safe. A rescan compares each unwatched
 * directory with its subtree, once for nested ones. The first walk that leaves
 * directories unwatched says so once, with the limit to raise and by how much; the count is in the
 * producer's heartbeat after that.
 */
final class UnwatchedDirectories {

    /** Where Linux keeps the limit of inotify watches per user; the user namespace's limit applies too. */
    static final Path SYSTEM_LIMIT = Path.of("/proc/sys/fs/inotify/max_user_watches");
    static final Path NAMESPACE_LIMIT = Path.of("/proc/sys/user/max_inotify_watches");
    /** What sysctl advice commonly gives (Syncthing's, VS Code's): enough for a few million directories' worth of users. */
    private static final long SUGGESTED_LIMIT = 524_288;

    private static final Logger log = LoggerFactory.getLogger(UnwatchedDirectories.class);

    private final Path root;
    private final Duration rescanInterval;
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    private volatile String reason;
    private volatile Limit limitAtFailure;
    private boolean said; // Guarded by this.
    private Instant nextRescan;

    UnwatchedDirectories(Path root, Duration rescanInterval) {
        this.root = root;
        this.rescanInterval = rescanInterval;
    }

    /** The watcher could not watch {@code directory}; it and its subtree are rescanned instead. */
    void record(Path directory, IOException failure) {
        if (directories.add(directory)) {
            if (reason == null) {
                reason = describe(failure);
                limitAtFailure = Limit.current();
            }
            log.debug("not watching {}: {}", directory, failure.toString());
        }
    }

    /**
     * A walk that registered {@code watched} directories and failed to register some is over: says
     * so, once in the producer's life (the count is in its heartbeat after that).
     */
    void walked(long watched) {
        int unwatched = directories.size();
        if (unwatched == 0) {
            return;
        }
        synchronized (this) {
            if (said) {
                return;
            }
            said = true;
        }
        log.warn("cannot watch {} of the {} directories of {} ({}){}; each is compared with what was published every "
                        + "{} s instead (--rescan-interval), so changes in them reach the mirrors that much later",
                unwatched, watched + unwatched, root, reason, advice(watched + unwatched),
                rescanInterval.toSeconds());
    }

    /** How many directories are not watched now. */
    int count() {
        return directories.size();
    }

    /**
     * The directories to compare now, each with its subtree, if a rescan is due at {@code now}
     * (the first one {@code rescanInterval} after they were found); else none. A directory gone
     * since is forgotten: its deletion is published by the comparison of its parent.
     */
    List<Scope> dueAt(Instant now, SourceTree tree) {
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
        List<Scope> scopes = new ArrayList<>();
        for (Path directory : directories) {
            RelPath relative = tree.relativize(directory);
            if (directory.equals(root)) {
                return List.of(Scope.WHOLE_TREE);
            }
            if (hasUnwatchedAncestor(directory)) {
                continue; // Compared with the subtree of that ancestor.
            }
            if (relative == null || !Files.isDirectory(directory)) {
                directories.remove(directory);
                if (relative != null && relative.parent() != null) {
                    scopes.add(Scope.entry(relative.parent()));
                }
                continue;
            }
            scopes.add(Scope.tree(relative));
        }
        return scopes;
    }

    private boolean hasUnwatchedAncestor(Path directory) {
        for (Path above = directory.getParent(); above != null && above.startsWith(root); above = above.getParent()) {
            if (directories.contains(above)) {
                return true;
            }
        }
        return false;
    }

    /** How long the producer may wait before the next rescan is due, or {@code null} when none is pending. */
    Instant nextRescan() {
        return directories.isEmpty() ? null : nextRescan;
    }

    /** Whether the watch limit was raised since a directory could not be watched for it: watching again may work. */
    boolean limitRaised() {
        Limit then = limitAtFailure;
        return then != null && !directories.isEmpty() && Limit.current().value() > then.value();
    }

    /** The watcher starts over and will walk the whole tree again. */
    void clear() {
        directories.clear();
        reason = null;
        limitAtFailure = null;
        nextRescan = null;
        synchronized (this) {
            said = false;
        }
    }

    private String advice(long directoriesInTree) {
        if (reason == null || !reason.contains("inotify watches")) {
            return reason != null && reason.contains("inotify instances")
                    ? "; raise fs.inotify.max_user_instances (sudo sysctl fs.inotify.max_user_instances=1024, and in "
                            + "a file of /etc/sysctl.d/ to keep it)" : "";
        }
        Limit limit = limitAtFailure;
        if (limit.value() == Long.MAX_VALUE) {
            return "";
        }
        // Room for the tree on top of what other programs of the user already hold, doubled.
        long suggested = Math.max(SUGGESTED_LIMIT, Long.highestOneBit(limit.value() + directoriesInTree) << 2);
        return "; this tree needs one watch per directory, " + directoriesInTree + ", and " + limit.name() + " allows "
                + limit.value() + " for all programs of this user: raise it (sudo sysctl " + limit.name() + "="
                + suggested + ", and in a file of /etc/sysctl.d/ to keep it); the producer watches them once it is "
                + "raised";
    }

    private static String describe(IOException failure) {
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
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
