package dev.ferry.bench;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.verify.Difference;
import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What a tree looks like, entry by entry: how the benchmark checks, after the clock has stopped,
 * that a run really produced a copy equal to its source.
 *
 * <p>Built on {@code ferry verify}'s comparison from the jar ({@link TreeReader}, {@link Difference}),
 * as the end-to-end tests' {@code TreeSnapshot} is: every path below the root (the consumer's
 * {@code .ferry} bookkeeping excluded) with its type; for a file its size, SHA-256, permission
 * bits and modification time in milliseconds; for a directory its permission bits and
 * modification time; for a symbolic link its target. Nothing is ignored; a check may let a
 * baseline's known shortcoming pass ({@link Leniency}), and says which differences it let pass.
 */
final class TreeSnapshot {

    private static final int LISTED_DIFFERENCES = 10;

    private final Path root;
    private final SortedMap<String, TreeEntry> entries;

    private TreeSnapshot(Path root, SortedMap<String, TreeEntry> entries) {
        this.root = root;
        this.entries = entries;
    }

    /** Reads the whole tree, hashing every file. */
    static TreeSnapshot of(Path root) {
        try {
            return new TreeSnapshot(root, new TreeReader(root, IgnoreRules.NONE).walk(true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tree " + root, e);
        }
    }

    /** Which differences a check lets pass, reporting them, rather than failing on them. */
    enum Leniency {
        NONE,
        /**
         * A directory's modification time. For rsync as lsyncd runs it: it sets a directory's time
         * before the files it adds land in it, and a later rsync takes the time as right, since it
         * compares times in whole seconds ({@code --modify-window} 0).
         */
        DIRECTORY_TIMES
    }

    /** Waits until the tree at {@code actual} equals the one at {@code expected}; fails with the differences. */
    static void awaitEqual(Path actual, Path expected, Duration timeout, String what) {
        awaitEqual(actual, expected, timeout, what, Leniency.NONE);
    }

    /**
     * {@link #awaitEqual(Path, Path, Duration, String)}, letting pass what {@code leniency} names;
     * returns the differences it let pass, as {@code ferry verify} prints them.
     */
    static List<String> awaitEqual(Path actual, Path expected, Duration timeout, String what, Leniency leniency) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TreeSnapshot wanted = of(expected);
            TreeSnapshot seen = of(actual);
            List<String> letPass = new ArrayList<>();
            List<String> differences = seen.differencesFrom(wanted, leniency, letPass);
            if (differences.isEmpty() || System.nanoTime() > deadline) {
                seen.fail(wanted, what, differences);
                return letPass;
            }
            Launched.pause(Duration.ofMillis(100));
        }
    }

    int files() {
        return (int) entries.values().stream().filter(entry -> entry.type() == TreeEntry.Type.FILE).count();
    }

    /**
     * Fails, listing the first differences as {@code ferry verify} prints them, unless this tree
     * equals {@code expected}.
     *
     * @param what the run whose result this is, for the message
     */
    void requireEqualTo(TreeSnapshot expected, String what) {
        fail(expected, what, differencesFrom(expected, Leniency.NONE, new ArrayList<>()));
    }

    private void fail(TreeSnapshot expected, String what, List<String> differences) {
        if (differences.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(what).append(": ").append(root).append(" differs from ")
                .append(expected.root).append(" in ").append(differences.size()).append(" way(s):");
        differences.stream().limit(LISTED_DIFFERENCES).forEach(line -> message.append("\n    ").append(line));
        if (differences.size() > LISTED_DIFFERENCES) {
            message.append("\n    ... and ").append(differences.size() - LISTED_DIFFERENCES).append(" more");
        }
        throw new BenchException(message.toString());
    }

    /** The differences from {@code expected} that {@code leniency} does not let pass; those it does go to {@code letPass}. */
    private List<String> differencesFrom(TreeSnapshot expected, Leniency leniency, List<String> letPass) {
        Set<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(expected.entries.keySet());
        List<String> differences = new ArrayList<>();
        for (String path : paths) {
            TreeEntry wanted = expected.entries.get(path);
            for (Difference difference : Difference.between(path, wanted, entries.get(path))) {
                boolean directoryTime = difference.kind() == Difference.Kind.MTIME
                        && wanted.type() == TreeEntry.Type.DIRECTORY;
                if (leniency == Leniency.DIRECTORY_TIMES && directoryTime) {
                    letPass.add(difference.toString());
                } else {
                    differences.add(difference.toString());
                }
            }
        }
        return differences;
    }
}
