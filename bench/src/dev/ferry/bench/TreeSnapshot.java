package dev.ferry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a tree looks like, entry by entry: how the benchmark checks, after the clock has stopped,
 * that a run really produced a copy equal to its source.
 *
 * <p>The same comparison as the end-to-end tests' {@code TreeSnapshot} (tests/, test scope, so it
 * cannot be shared): every path below the root (the root itself and the consumer's top-level
 * {@code .ferry} bookkeeping excluded) with its type; for a file its size, SHA-256, permission bits
 * and modification time in milliseconds; for a directory its permission bits and modification time;
 * for a symbolic link its target.
 */
final class TreeSnapshot {

    private static final String RESERVED = ".ferry";
    private static final int LISTED_DIFFERENCES = 10;

    enum Type { FILE, DIRECTORY, SYMLINK }

    /** One entry; fields that do not apply to the type are 0 or null so that equal trees have equal entries. */
    record Entry(Type type, long size, String sha256, int mode, long mtimeMillis, String target) {
    }

    private final Path root;
    private final SortedMap<String, Entry> entries;

    private TreeSnapshot(Path root, SortedMap<String, Entry> entries) {
        this.root = root;
        this.entries = entries;
    }

    /** Reads the whole tree, hashing every file. */
    static TreeSnapshot of(Path root) {
        SortedMap<String, Entry> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (dir.getParent().equals(root) && dir.getFileName().toString().equals(RESERVED)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    entries.put(root.relativize(dir).toString(), entryOf(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(file).toString(), entryOf(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tree " + root, e);
        }
        return new TreeSnapshot(root, entries);
    }

    /** Waits until the tree at {@code actual} equals the one at {@code expected}; fails with the differences. */
    static void awaitEqual(Path actual, Path expected, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TreeSnapshot wanted = of(expected);
            TreeSnapshot seen = of(actual);
            if (seen.entries.equals(wanted.entries) || System.nanoTime() > deadline) {
                seen.requireEqualTo(wanted, what);
                return;
            }
            Launched.pause(Duration.ofMillis(100));
        }
    }

    int files() {
        return (int) entries.values().stream().filter(entry -> entry.type() == Type.FILE).count();
    }

    /**
     * Fails, listing the first differing paths, unless this tree equals {@code expected}.
     *
     * @param what the run whose result this is, for the message
     */
    void requireEqualTo(TreeSnapshot expected, String what) {
        List<String> differences = differencesFrom(expected);
        if (differences.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(what).append(": ").append(root).append(" differs from ")
                .append(expected.root).append(" in ").append(differences.size()).append(" path(s):");
        differences.stream().limit(LISTED_DIFFERENCES).forEach(line -> message.append("\n    ").append(line));
        if (differences.size() > LISTED_DIFFERENCES) {
            message.append("\n    ... and ").append(differences.size() - LISTED_DIFFERENCES).append(" more");
        }
        throw new BenchException(message.toString());
    }

    private List<String> differencesFrom(TreeSnapshot expected) {
        Set<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(expected.entries.keySet());
        List<String> differences = new ArrayList<>();
        for (String path : paths) {
            Entry actual = entries.get(path);
            Entry wanted = expected.entries.get(path);
            if (actual == null) {
                differences.add(path + ": missing");
            } else if (wanted == null) {
                differences.add(path + ": not in the source");
            } else if (!actual.equals(wanted)) {
                differences.add(path + ": " + actual + " but expected " + wanted);
            }
        }
        return differences;
    }

    private static Entry entryOf(Path path) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isSymbolicLink()) {
            return new Entry(Type.SYMLINK, 0, null, 0, 0, Files.readSymbolicLink(path).toString());
        }
        int mode = modeOf(attrs.permissions());
        long mtime = attrs.lastModifiedTime().toMillis();
        if (attrs.isDirectory()) {
            return new Entry(Type.DIRECTORY, 0, null, mode, mtime, null);
        }
        return new Entry(Type.FILE, attrs.size(), sha256(path), mode, mtime, null);
    }

    private static int modeOf(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    private static String sha256(Path file) throws IOException {
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
