package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;

/**
 * Scenario 10's data: {@code files} small files (0 to 1 KiB, sizes and contents seeded like
 * {@link DataSets}'s) in {@code dirs} directories, nearly half of them nested. Directories come in
 * groups of 20: the first 11 of a group stand at the top, each of the other 9 inside the one before,
 * so every full group has a chain 10 directories deep. File {@code i} goes into directory
 * {@code i % dirs}. Where a file or directory is follows from its number, so a million paths need
 * not be kept to find the files {@link #rewrite} changes.
 */
record NestedTree(Path root, int files, int dirs, long seed) {

    /** The largest file; sizes are uniform from 0 to this. */
    static final int MAX_FILE_BYTES = 1024;
    private static final int GROUP = 20;
    private static final int AT_THE_TOP = 11;

    /** Writes the tree under {@code root} (an empty directory); returns the bytes of its files. */
    long generate() throws IOException {
        Path[] directories = new Path[dirs];
        for (int d = 0; d < dirs; d++) {
            directories[d] = Files.createDirectories(directory(d));
        }
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = 0;
        for (int i = 0; i < files; i++) {
            bytes += write(directories[i % dirs].resolve(fileName(i)), random, DataSets.fixedTime(i));
        }
        // Last, because creating what is in them changed them.
        for (Path directory : directories) {
            Files.setLastModifiedTime(directory, DataSets.fixedTime(0));
        }
        return bytes;
    }

    /**
     * Rewrites one file in {@code every} (those whose number is {@code round} modulo {@code every})
     * with new contents of a new size and a new modification time, both of {@code round}: as if
     * edited in place, so no directory changes. Returns how many it rewrote.
     */
    int rewrite(int every, int round) throws IOException {
        SplittableRandom random = new SplittableRandom(seed + 1_000_003L * round);
        // Past every time the tree had, and different each round, so rsync's size-and-time check sees it too.
        FileTime time = DataSets.fixedTime(files + (long) round);
        int rewritten = 0;
        for (int i = Math.floorMod(round, every); i < files; i += every) {
            write(file(i), random, time);
            rewritten++;
        }
        return rewritten;
    }

    /** Where file {@code i} is. */
    Path file(int i) {
        return directory(i % dirs).resolve(fileName(i));
    }

    /** Where directory {@code d} is: at the top, or inside directory {@code d - 1}. */
    Path directory(int d) {
        Path path = root;
        int first = d;
        while (first % GROUP >= AT_THE_TOP) {
            first--;
        }
        for (int k = first; k <= d; k++) {
            path = k == first ? root.resolve(directoryName(k)) : path.resolve(directoryName(k));
        }
        return path;
    }

    /** The deepest directory's depth below the root. */
    int depth() {
        return dirs <= AT_THE_TOP ? 1 : Math.min(dirs, GROUP) - AT_THE_TOP + 1;
    }

    private static long write(Path file, SplittableRandom random, FileTime time) throws IOException {
        byte[] content = new byte[random.nextInt(MAX_FILE_BYTES + 1)];
        random.nextBytes(content);
        Files.write(file, content);
        Files.setLastModifiedTime(file, time);
        return content.length;
    }

    private static String directoryName(int d) {
        return String.format("d%05d", d);
    }

    private static String fileName(int i) {
        return String.format("f%07d.bin", i);
    }
}
