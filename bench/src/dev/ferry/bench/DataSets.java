package dev.ferry.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The data the scenarios copy. Contents are random (incompressible, so no tool gains from
 * compression) but seeded, so every run of the benchmark copies the same bytes. Modification times
 * are fixed in the past: no tool waits for a file to settle, and the check afterwards can compare them.
 */
final class DataSets {

    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    private DataSets() {
    }

    /** {@code files} files of {@code size} bytes spread evenly over {@code dirs} directories under {@code root}. */
    static void smallFiles(Path root, int files, int dirs, int size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] content = new byte[size];
        Path[] directories = new Path[dirs];
        for (int d = 0; d < dirs; d++) {
            directories[d] = Files.createDirectories(root.resolve(String.format("d%04d", d)));
        }
        for (int i = 0; i < files; i++) {
            random.nextBytes(content);
            Path file = directories[i % dirs].resolve(String.format("f%06d.bin", i));
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(EPOCH.plusSeconds(i)));
        }
        // Last, because creating the files changed them.
        for (Path directory : directories) {
            Files.setLastModifiedTime(directory, FileTime.from(EPOCH));
        }
    }

    /** One file of {@code size} bytes, written a MiB at a time so memory stays small whatever the size. */
    static void oneFile(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < size; ) {
                random.nextBytes(chunk);
                int length = (int) Math.min(chunk.length, size - written);
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, length);
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
            }
        }
        Files.setLastModifiedTime(file, FileTime.from(EPOCH));
    }

    /**
     * Writes {@code length} random bytes (seeded) into {@code file} at {@code offset}, over what is
     * there or, at its end, appended; the file is fsynced by nobody, as an editor's save would leave it.
     */
    static void writeAt(Path file, long offset, int length, long seed) throws IOException {
        byte[] content = new byte[length];
        new SplittableRandom(seed).nextBytes(content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            for (long at = offset; buffer.hasRemaining(); ) {
                at += channel.write(buffer, at);
            }
        }
    }

    /** The fixed modification time {@code seconds} after the epoch of every data set. */
    static FileTime fixedTime(long seconds) {
        return FileTime.from(EPOCH.plusSeconds(seconds));
    }

    /**
     * The text files of the repository at {@code repository} that scenario 9 copies: its
     * {@code *.java}, {@code *.md} and {@code *.xml} files, by path, leaving out build output
     * ({@code target}), hidden directories and {@code bench/results} (reports that change run by run).
     */
    static List<Path> sourceTexts(Path repository) throws IOException {
        try (Stream<Path> walk = Files.walk(repository)) {
            return walk.filter(Files::isRegularFile).filter(path -> isSourceText(repository.relativize(path)))
                    .sorted().toList();
        }
    }

    private static boolean isSourceText(Path relative) {
        if (!relative.getFileName().toString().matches(".+\\.(java|md|xml)")
                || relative.startsWith(Path.of("bench", "results"))) {
            return false;
        }
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            String directory = relative.getName(i).toString();
            if (directory.equals("target") || directory.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code files} copies of {@code texts}, taken in turn, spread evenly over {@code dirs}
     * directories under {@code root}, each named after its original; returns their total size.
     */
    static long textFiles(Path root, List<Path> texts, int files, int dirs) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (Path text : texts) {
            contents.add(Files.readAllBytes(text));
        }
        Path[] directories = new Path[dirs];
        for (int d = 0; d < dirs; d++) {
            directories[d] = Files.createDirectories(root.resolve(String.format("d%04d", d)));
        }
        long total = 0;
        for (int i = 0; i < files; i++) {
            byte[] content = contents.get(i % contents.size());
            Path file = directories[i % dirs].resolve(String.format("f%06d-%s", i,
                    texts.get(i % texts.size()).getFileName()));
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(EPOCH.plusSeconds(i)));
            total += content.length;
        }
        for (Path directory : directories) {
            Files.setLastModifiedTime(directory, FileTime.from(EPOCH));
        }
        return total;
    }

    /** Writes {@code content} to {@code file} and closes it: what a program saving a file does. */
    static void save(Path file, byte[] content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            out.write(content);
        }
    }
}
