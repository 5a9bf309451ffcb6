package dev.ferry.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AssertProvider;

/**
 * What a tree looks like, entry by entry: the one way tests compare a destination with its source.
 *
 * <p>Each path relative to the root (the root itself and the consumer's top-level {@code .ferry}
 * bookkeeping excluded) maps to what Ferry promises to replicate: the type; for a file its size,
 * SHA-256, permission bits and modification time (in milliseconds); for a directory its permission
 * bits and modification time; for a symbolic link its target.
 *
 * <p>{@code assertThat(TreeSnapshot.of(dest)).isEqualTo(TreeSnapshot.of(src))} fails with a
 * listing of the paths that differ and how.
 */
final class TreeSnapshot implements AssertProvider<TreeSnapshot.TreeAssert> {

    static final String RESERVED = ".ferry";
    private static final int LISTED_DIFFERENCES = 20;

    enum Type { FILE, DIRECTORY, SYMLINK }

    /**
     * One entry. Fields that do not apply to the type are 0 or null, so that equal trees have equal
     * entries; {@code sha256} is null for a file in a {@link #shapeOf shape} snapshot.
     */
    record Entry(Type type, long size, String sha256, int mode, long mtimeMillis, String target) {

        List<String> differencesFrom(Entry expected) {
            List<String> differences = new ArrayList<>();
            if (type != expected.type) {
                differences.add("is a " + describe() + ", expected a " + expected.describe());
                return differences;
            }
            if (size != expected.size) {
                differences.add("size " + size + " ≠ expected " + expected.size);
            }
            if (!Objects.equals(sha256, expected.sha256)) {
                differences.add("sha256 " + abbreviated(sha256) + " ≠ expected " + abbreviated(expected.sha256));
            }
            if (mode != expected.mode) {
                differences.add("mode " + Integer.toOctalString(mode) + " ≠ expected "
                        + Integer.toOctalString(expected.mode));
            }
            if (mtimeMillis != expected.mtimeMillis) {
                differences.add("mtime " + Instant.ofEpochMilli(mtimeMillis) + " ≠ expected "
                        + Instant.ofEpochMilli(expected.mtimeMillis));
            }
            if (!Objects.equals(target, expected.target)) {
                differences.add("target '" + target + "' ≠ expected '" + expected.target + "'");
            }
            return differences;
        }

        String describe() {
            return switch (type) {
                case FILE -> "file of " + size + " bytes";
                case DIRECTORY -> "directory";
                case SYMLINK -> "symlink to '" + target + "'";
            };
        }

        private static String abbreviated(String sha256) {
            return sha256 == null ? "(not hashed)" : sha256.substring(0, 12) + "…";
        }
    }

    private final Path root;
    private final SortedMap<String, Entry> entries;

    private TreeSnapshot(Path root, SortedMap<String, Entry> entries) {
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

    Map<String, Entry> entries() {
        return entries;
    }

    Set<String> paths() {
        return entries.keySet();
    }

    /** How this tree differs from {@code expected}, one line per differing path, in path order. */
    List<String> differencesFrom(TreeSnapshot expected) {
        Set<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(expected.entries.keySet());
        List<String> differences = new ArrayList<>();
        for (String path : paths) {
            Entry actual = entries.get(path);
            Entry wanted = expected.entries.get(path);
            if (actual == null) {
                differences.add(path + ": missing (expected " + wanted.describe() + ")");
            } else if (wanted == null) {
                differences.add(path + ": unexpected " + actual.describe());
            } else if (!actual.equals(wanted)) {
                differences.add(path + ": " + String.join("; ", actual.differencesFrom(wanted)));
            }
        }
        return differences;
    }

    /** A readable report of how this tree differs from {@code expected}, listing the first few paths. */
    String differenceReport(TreeSnapshot expected) {
        List<String> differences = differencesFrom(expected);
        StringBuilder report = new StringBuilder()
                .append(root).append(" differs from ").append(expected.root)
                .append(" in ").append(differences.size()).append(" path(s):\n");
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

    /** Assertions on a snapshot whose failures list the differing paths instead of two whole trees. */
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

    private static TreeSnapshot take(Path root, boolean hashContent) {
        SortedMap<String, Entry> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (dir.getParent().equals(root) && dir.getFileName().toString().equals(RESERVED)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    record(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    record(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // vanished while we looked: a tree in motion
                    }
                    throw e;
                }

                private void record(Path path) {
                    try {
                        entries.put(relative(root, path), entryOf(path, hashContent));
                    } catch (NoSuchFileException e) {
                        // Vanished while we looked; the next snapshot will tell.
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot snapshot " + path, e);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot " + root, e);
        }
        return new TreeSnapshot(root, entries);
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString();
    }

    private static Entry entryOf(Path path, boolean hashContent) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isSymbolicLink()) {
            return new Entry(Type.SYMLINK, 0, null, 0, 0, Files.readSymbolicLink(path).toString());
        }
        int mode = modeOf(attrs.permissions());
        long mtime = attrs.lastModifiedTime().toMillis();
        if (attrs.isDirectory()) {
            return new Entry(Type.DIRECTORY, 0, null, mode, mtime, null);
        }
        return new Entry(Type.FILE, attrs.size(), hashContent ? sha256(path) : null, mode, mtime, null);
    }

    static int modeOf(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
