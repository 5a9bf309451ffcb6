package dev.ferry.tests;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.verify.Difference;
import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeReader;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AssertProvider;

/**
 * What a tree looks like, entry by entry: the one way tests compare a destination with its source.
 *
 * <p>It is built on {@code ferry verify}'s comparison ({@link TreeReader}, {@link TreeEntry},
 * {@link Difference}), so the tests judge a mirror exactly as its users can: each path relative
 * to the root (the root itself and the consumer's top-level {@code .ferry} bookkeeping excluded)
 * maps to what Ferry promises to replicate: the type; for a file its size, SHA-256, permission bits
 * and modification time (in milliseconds); for a directory its permission bits and modification
 * time; for a symbolic link its target. Unlike {@code ferry verify}, a snapshot ignores nothing
 * and skips nothing: it is the stricter judge.
 *
 * <p>{@code assertThat(TreeSnapshot.of(dest)).isEqualTo(TreeSnapshot.of(src))} fails with a
 * listing of the differences, one line each, as {@code ferry verify} prints them.
 */
final class TreeSnapshot implements AssertProvider<TreeSnapshot.TreeAssert> {

    static final String RESERVED = RelPath.RESERVED_ROOT;
    private static final int LISTED_DIFFERENCES = 20;

    private final Path root;
    private final SortedMap<String, TreeEntry> entries;

    private TreeSnapshot(Path root, SortedMap<String, TreeEntry> entries) {
        this.root = root;
        this.entries = entries;
    }

    /** The full snapshot, content hashes included. */
    static TreeSnapshot of(Path root) {
        return take(root, true);
    }

    /**
     * Everything but the content hashes: cheap enough to poll while a replica catches up; two trees
     * with equal shapes are worth hashing.
     */
    static TreeSnapshot shapeOf(Path root) {
        return take(root, false);
    }

    Path root() {
        return root;
    }

    Map<String, TreeEntry> entries() {
        return entries;
    }

    Set<String> paths() {
        return entries.keySet();
    }

    /** How this tree differs from {@code expected}, one line per difference, in path order. */
    List<String> differencesFrom(TreeSnapshot expected) {
        Set<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(expected.entries.keySet());
        List<String> differences = new ArrayList<>();
        for (String path : paths) {
            for (Difference difference : Difference.between(path, expected.entries.get(path), entries.get(path))) {
                differences.add(difference.toString());
            }
        }
        return differences;
    }

    /** A readable report of how this tree differs from {@code expected}, listing the first few differences. */
    String differenceReport(TreeSnapshot expected) {
        List<String> differences = differencesFrom(expected);
        StringBuilder report = new StringBuilder()
                .append(root).append(" (dest) differs from ").append(expected.root).append(" (source) in ")
                .append(differences.size()).append(" way(s):\n");
        differences.stream().limit(LISTED_DIFFERENCES).forEach(line -> report.append("  ").append(line).append('\n'));
        if (differences.size() > LISTED_DIFFERENCES) {
            report.append("  … and ").append(differences.size() - LISTED_DIFFERENCES).append(" more\n");
        }
        return report.toString();
    }

    @Override
    public TreeAssert assertThat() {
        return new TreeAssert(this);
    }

    /** Snapshots are equal when their entries are, wherever their roots are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TreeSnapshot other && other.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "tree of " + entries.size() + " entries at " + root;
    }

    /** Assertions on a snapshot whose failures list the differences instead of two whole trees. */
    static final class TreeAssert extends AbstractAssert<TreeAssert, TreeSnapshot> {

        TreeAssert(TreeSnapshot actual) {
            super(actual, TreeAssert.class);
        }

        @Override
        public TreeAssert isEqualTo(Object expected) {
            isNotNull();
            if (!(expected instanceof TreeSnapshot tree)) {
                failWithMessage("expected a TreeSnapshot but got %s", expected);
                return this;
            }
            if (!actual.equals(tree)) {
                failWithMessage("%s", actual.differenceReport(tree));
            }
            return this;
        }
    }

    /** A root that is not there (yet) is an empty tree: a destination the consumer has still to create. */
    private static TreeSnapshot take(Path root, boolean hashContent) {
        try {
            return new TreeSnapshot(root, new TreeReader(root, IgnoreRules.NONE).walk(hashContent));
        } catch (NoSuchFileException e) {
            if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new UncheckedIOException("cannot snapshot " + root, e);
            }
            return new TreeSnapshot(root, new TreeMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot " + root, e);
        }
    }
}
