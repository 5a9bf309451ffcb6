package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A seeded stream of random changes to a tree, the kind a busy user makes: files created,
 * overwritten, appended to, truncated, deleted and renamed (across directories too), directories
 * made, renamed and deleted with everything in them, and now and then a file of a few MB. Given
 * the same seed and the same starting tree it makes the same changes.
 */
final class RandomChanges {

    /** Above this many files, creating gives way to deleting, so the tree stays a workable size. */
    private static final int MAX_FILES = 300;
    private static final int MAX_DEPTH = 4;
    private static final int MAX_LARGE_FILES = 6;
    private static final int SMALL_FILE_MAX = 16 * 1024;
    private static final int LARGE_FILE_MIN = 2 * 1024 * 1024;
    private static final int LARGE_FILE_MAX = 6 * 1024 * 1024;

    private enum Kind {
        CREATE(20), OVERWRITE(14), APPEND(10), TRUNCATE(7), DELETE(10), RENAME_FILE(8), MKDIR(7),
        RENAME_DIRECTORY(4), DELETE_DIRECTORY(2), LARGE_FILE(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private static final int TOTAL_WEIGHT = Stream.of(Kind.values()).mapToInt(kind -> kind.weight).sum();

    private final Path root;
    private final Random random;
    private final Map<String, Integer> made = new TreeMap<>();
    private int names;
    private int largeFiles;

    RandomChanges(Path root, long seed) {
        this.root = root;
        this.random = new Random(seed);
    }

    /** Makes one random change to the tree. */
    void next() {
        List<Path> files = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        survey(files, directories);
        Kind kind = choose(files.size());
        try {
            make(kind, files, directories);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + kind + " in " + root, e);
        }
    }

    /**
     * Makes {@code count} random changes, pausing {@code pause} after every {@code perBurst} of them,
     * as people and programs change a tree: a backlog of bursts, not one change per poll.
     */
    void inBursts(int count, int perBurst, Duration pause) {
        for (int i = 1; i <= count; i++) {
            next();
            if (i % perBurst == 0) {
                LockSupport.parkNanos(pause.toNanos());
            }
        }
    }

    /** How many changes of each kind were made so far. */
    Map<String, Integer> made() {
        return made;
    }

    private Kind choose(int fileCount) {
        int pick = random.nextInt(TOTAL_WEIGHT);
        Kind chosen = Kind.CREATE;
        for (Kind kind : Kind.values()) {
            if (pick < kind.weight) {
                chosen = kind;
                break;
            }
            pick -= kind.weight;
        }
        if (fileCount == 0 && chosen != Kind.MKDIR) {
            return Kind.CREATE;
        }
        if (fileCount > MAX_FILES && (chosen == Kind.CREATE || chosen == Kind.LARGE_FILE)) {
            return Kind.DELETE;
        }
        if (chosen == Kind.LARGE_FILE && largeFiles >= MAX_LARGE_FILES) {
            return Kind.OVERWRITE;
        }
        return chosen;
    }

    private void make(Kind kind, List<Path> files, List<Path> directories) throws IOException {
        List<Path> parents = new ArrayList<>(directories);
        parents.add(root);
        switch (kind) {
            case CREATE -> TestTrees.writeRandom(pick(parents).resolve(newName("f", ".txt")), smallSize(),
                    random.nextLong());
            case OVERWRITE -> TestTrees.writeRandom(pick(files), smallSize(), random.nextLong());
            case APPEND -> {
                byte[] more = new byte[1 + random.nextInt(4096)];
                random.nextBytes(more);
                Files.write(pick(files), more, StandardOpenOption.APPEND);
            }
            case TRUNCATE -> {
                try (FileChannel channel = FileChannel.open(pick(files), StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() == 0 ? 0 : random.nextLong(channel.size()));
                }
            }
            case DELETE -> Files.delete(pick(files));
            case RENAME_FILE -> Files.move(pick(files), pick(parents).resolve(newName("r", ".txt")),
                    StandardCopyOption.ATOMIC_MOVE);
            case MKDIR -> {
                List<Path> shallow = parents.stream().filter(dir -> depth(dir) < MAX_DEPTH).toList();
                Files.createDirectory(pick(shallow).resolve(newName("d", "")));
            }
            case RENAME_DIRECTORY -> {
                if (directories.isEmpty()) {
                    return;
                }
                Path moved = pick(directories);
                List<Path> targets = parents.stream()
                        .filter(dir -> !dir.startsWith(moved) && depth(dir) < MAX_DEPTH).toList();
                Files.move(moved, pick(targets).resolve(newName("d", "")), StandardCopyOption.ATOMIC_MOVE);
            }
            case DELETE_DIRECTORY -> {
                if (directories.isEmpty()) {
                    return;
                }
                TestTrees.deleteTree(pick(directories));
            }
            case LARGE_FILE -> {
                largeFiles++;
                TestTrees.writeRandom(pick(parents).resolve(newName("large", ".bin")),
                        LARGE_FILE_MIN + random.nextInt(LARGE_FILE_MAX - LARGE_FILE_MIN), random.nextLong());
            }
        }
        made.merge(kind.name().toLowerCase().replace('_', ' '), 1, Integer::sum);
    }

    private void survey(List<Path> files, List<Path> directories) {
        try (Stream<Path> entries = Files.walk(root)) {
            entries.filter(entry -> !entry.equals(root)).sorted().forEach(entry -> {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(entry);
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    directories.add(entry);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** Mostly small files, a few empty ones. */
    private long smallSize() {
        return random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(SMALL_FILE_MAX);
    }

    /** A name nobody used yet; some with a space, to keep the quoting honest. */
    private String newName(String prefix, String suffix) {
        return prefix + (random.nextInt(8) == 0 ? " " : "") + (++names) + suffix;
    }

    private int depth(Path dir) {
        return root.relativize(dir).toString().isEmpty() ? 0 : root.relativize(dir).getNameCount();
    }

    private Path pick(List<Path> paths) {
        return paths.get(random.nextInt(paths.size()));
    }
}
