package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Edits of a file in place, the ways applications change large files (a database writing a page, a
 * tool inserting a header, a log growing), each from a seed: the rest of the content stays as it
 * was, which is what a delta against the previous version can take advantage of.
 */
final class FileEdits {

    private FileEdits() {
    }

    /** Overwrites {@code length} bytes at {@code offset} with seeded random ones; the size stays. */
    static void overwrite(Path file, long offset, int length, long seed) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeFully(channel, random(length, seed), offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot overwrite " + length + " bytes at " + offset + " of " + file, e);
        }
    }

    /**
     * Inserts {@code length} seeded random bytes at {@code offset}, moving the rest along, the way an
     * editor saves: the new content is written whole in {@code scratch} (a directory outside the
     * watched tree, on the same file system) and moved over the file, so that no watcher ever sees
     * it half-written.
     */
    static void insert(Path file, int offset, int length, long seed, Path scratch) {
        try {
            byte[] before = Files.readAllBytes(file);
            byte[] after = new byte[before.length + length];
            System.arraycopy(before, 0, after, 0, offset);
            System.arraycopy(random(length, seed), 0, after, offset, length);
            System.arraycopy(before, offset, after, offset + length, before.length - offset);
            Path written = Files.write(Files.createTempFile(scratch, "insert-", ".tmp"), after);
            Files.setPosixFilePermissions(written, Files.getPosixFilePermissions(file)); // an editor keeps them
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot insert " + length + " bytes at " + offset + " of " + file, e);
        }
    }

    /** Appends {@code length} seeded random bytes. */
    static void append(Path file, int length, long seed) {
        try {
            Files.write(file, random(length, seed), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append " + length + " bytes to " + file, e);
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void writeFully(FileChannel channel, byte[] bytes, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, offset + buffer.position());
        }
    }
}
