package dev.ferry.consumer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.DeltaPieces;
import dev.ferry.wire.RelPath;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where file bodies are assembled, under {@code DST/.ferry/staging}, before they become visible.
 *
 * <p>A body is staged as {@code <seq>-<hash of path>.part}. Each chunk is written at its own
 * offset, so a redelivered chunk rewrites the same bytes. The SHA-256 is computed as chunks
 * arrive; after a restart or rollback it is rebuilt from the bytes already staged. Staged bodies
 * are fsynced before the transaction that delivered them commits, so a crash never loses a chunk
 * that was acknowledged. A body that a newer event for the same path overtakes is removed.
 */
final class StagingArea {

    private static final String SUFFIX = ".part";
    /** Copies from a delta's base go through a buffer this large: a megabyte per read system call. */
    private static final int COPY_BUFFER_BYTES = 1 << 20;

    private final Path directory;
    /** Open channels with unsynced writes, by staging file name. */
    private final Map<String, FileChannel> unsynced = new LinkedHashMap<>();
    /** Running digests of bodies being assembled, by staging file name. */
    private final Map<String, RunningDigest> digests = new HashMap<>();
    /** Staged sequence numbers by path hash, to find bodies a newer event overtakes. */
    private final Map<String, TreeSet<Long>> stagedByPath = new HashMap<>();
    private byte[] copyBuffer;

    private static final class RunningDigest {
        final MessageDigest digest = sha256();
        long position;
    }

    StagingArea(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        try (DirectoryStream<Path> scratch = Files.newDirectoryStream(directory, "*.new")) {
            for (Path file : scratch) {
                Files.deleteIfExists(file); // a link made just before a crash, never moved into place
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dash = name.indexOf('-');
                try {
                    long seq = Long.parseLong(name.substring(0, dash));
                    String pathHash = name.substring(dash + 1, name.length() - SUFFIX.length());
                    stagedByPath.computeIfAbsent(pathHash, k -> new TreeSet<>()).add(seq);
                } catch (RuntimeException unrecognised) {
                    Files.deleteIfExists(file); // not a name this consumer writes
                }
            }
        }
    }

    /** Writes {@code length} bytes of {@code body} at {@code offset} of the body staged for (path, seq). */
    void write(RelPath path, long seq, long offset, int length, EventBody body)
            throws IOException, JMSException, PoisonException {
        String name = nameOf(path, seq);
        FileChannel channel = channel(name, path, seq);
        RunningDigest running = digests.computeIfAbsent(name, k -> new RunningDigest());
        if (running.position != offset) {
            rebuildDigest(channel, running, offset, path);
        }
        running.position = offset + writeFromBody(channel, running, offset, length, body, "body of " + path);
    }

    /**
     * Writes the part of a delta that starts at {@code offset} of the body staged for (path, seq):
     * its {@code pieces}, copied from {@code base} (the replica's file at the path, which must be
     * {@code baseSize} bytes) or read from {@code body}. Writing the same part again writes the same
     * bytes, as long as the base is still there unchanged.
     *
     * @return false when the body cannot be made here, and nothing was written: the base is not a
     *         regular file of {@code baseSize} bytes (edited, replaced or removed behind the
     *         consumer's back), or the parts before this one are not staged (they could not be
     *         made either, or the body was moved into place already and this part comes again);
     *         the body staged so far is then discarded, so that every later part of it is refused too
     */
    boolean patch(RelPath path, long seq, long offset, DeltaPieces pieces, Path base, long baseSize, EventBody body)
            throws IOException, JMSException, PoisonException {
        String name = nameOf(path, seq);
        if (offset > 0 && stagedSize(name) < offset) {
            return false;
        }
        FileChannel from;
        try {
            from = FileChannel.open(base, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            // Gone, a link (ELOOP comes as a plain IOException), or not a file that can be opened:
            // not the base the delta was made against.
            discard(path, seq);
            return false;
        }
        try (from) {
            if (from.size() != baseSize || !Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS)) {
                discard(path, seq);
                return false;
            }
            FileChannel channel = channel(name, path, seq);
            RunningDigest running = digests.computeIfAbsent(name, k -> new RunningDigest());
            if (running.position != offset) {
                rebuildDigest(channel, running, offset, path);
            }
            long position = offset;
            for (int i = 0; i < pieces.count(); i++) {
                long written = pieces.isLiteral(i)
                        ? writeFromBody(channel, running, position, (int) pieces.length(i), body,
                                "the literal bytes of the delta of " + path)
                        : copyFromBase(from, pieces.from(i), channel, running, position, pieces.length(i));
                if (written < 0) {
                    discard(path, seq); // The base shrank while it was read: someone is writing it.
                    return false;
                }
                position += written;
            }
            running.position = position;
            return true;
        }
    }

    /**
     * Writes the next {@code length} bytes of {@code body} at {@code position}, adding them to the
     * running digest, through the one reused buffer; {@code what} names them if the body ends early.
     */
    private long writeFromBody(FileChannel channel, RunningDigest running, long position, int length, EventBody body,
                               String what) throws IOException, JMSException, PoisonException {
        byte[] buffer = copyBuffer();
        int remaining = length;
        long at = position;
        while (remaining > 0) {
            int read = body.read(buffer, Math.min(buffer.length, remaining));
            if (read <= 0) {
                throw new PoisonException(what + " ended early at byte " + at);
            }
            writeFully(channel, buffer, read, at);
            running.digest.update(buffer, 0, read);
            at += read;
            remaining -= read;
        }
        return length;
    }

    /** Copies {@code length} bytes of {@code base} from {@code from}; -1 when the base ends before. */
    private long copyFromBase(FileChannel base, long from, FileChannel channel, RunningDigest running, long position,
                              long length) throws IOException {
        byte[] buffer = copyBuffer();
        long done = 0;
        while (done < length) {
            ByteBuffer target = ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, length - done));
            while (target.hasRemaining()) {
                if (base.read(target, from + done + target.position()) < 0) {
                    return -1;
                }
            }
            writeFully(channel, buffer, target.position(), position + done);
            running.digest.update(buffer, 0, target.position());
            done += target.position();
        }
        return length;
    }

    private static void writeFully(FileChannel channel, byte[] buffer, int length, long position) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    private byte[] copyBuffer() {
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_BUFFER_BYTES];
        }
        return copyBuffer;
    }

    private long stagedSize(String name) throws IOException {
        try {
            return Files.size(directory.resolve(name));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * Like {@link #complete}, for a body made from a delta: null instead of an exception when it is
     * not whole or not the content expected (its base was not what the delta was made against), and
     * the staged bytes are then discarded.
     */
    StagedBody completeIfExact(RelPath path, long seq, long size, String sha256) throws IOException {
        String name = nameOf(path, seq);
        if (stagedSize(name) < size) {
            discard(path, seq);
            return null;
        }
        try {
            return complete(path, seq, size, sha256);
        } catch (PoisonException mismatch) {
            discard(path, seq);
            return null;
        }
    }

    /**
     * A verified body, still open and not yet durable. Whoever takes it calls {@link #forceAndClose}
     * before moving it into place.
     */
    record StagedBody(Path file, FileChannel channel) {
        void forceAndClose() throws IOException {
            try (channel) {
                channel.force(true); // the permission bits and modification time too
            }
        }
    }

    /**
     * Checks that the body staged for (path, seq) is whole and matches {@code sha256}, and hands it
     * over: the caller makes it durable and moves it into place.
     */
    StagedBody complete(RelPath path, long seq, long size, String sha256) throws IOException, PoisonException {
        String name = nameOf(path, seq);
        FileChannel channel = channel(name, path, seq);
        RunningDigest running = digests.remove(name);
        if (running == null || running.position != size) {
            running = running == null ? new RunningDigest() : running;
            rebuildDigest(channel, running, size, path);
        }
        if (channel.size() > size) {
            channel.truncate(size); // bytes past the end cannot belong to this body
        }
        String actual = HexFormat.of().formatHex(running.digest.digest());
        if (!actual.equals(sha256)) {
            throw new PoisonException("SHA-256 mismatch for " + path + ": expected " + sha256 + ", got " + actual);
        }
        unsynced.remove(name);
        forget(path, seq);
        return new StagedBody(directory.resolve(name), channel);
    }

    /** Removes the body staged for (path, seq), if any. */
    void discard(RelPath path, long seq) throws IOException {
        String name = nameOf(path, seq);
        closeQuietly(unsynced.remove(name));
        digests.remove(name);
        Files.deleteIfExists(directory.resolve(name));
        forget(path, seq);
    }

    /** Removes every body staged for {@code path} under an older number than {@code seq}. */
    void discardOlder(RelPath path, long seq) throws IOException {
        TreeSet<Long> staged = stagedByPath.get(pathHash(path));
        if (staged == null) {
            return;
        }
        for (Long older : new TreeSet<>(staged.headSet(seq, false))) {
            discard(path, older);
        }
    }

    /** Removes every staged body numbered below {@code seq}. */
    void discardAbandoned(long seq) throws IOException {
        if (stagedByPath.isEmpty()) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (Long.parseLong(name.substring(0, name.indexOf('-'))) < seq) {
                    closeQuietly(unsynced.remove(name));
                    digests.remove(name);
                    Files.deleteIfExists(file);
                    String pathHash = name.substring(name.indexOf('-') + 1, name.length() - SUFFIX.length());
                    TreeSet<Long> staged = stagedByPath.get(pathHash);
                    if (staged != null) {
                        staged.headSet(seq, false).clear();
                        if (staged.isEmpty()) {
                            stagedByPath.remove(pathHash);
                        }
                    }
                }
            }
        }
    }

    /** Fsyncs every body written since the last call. */
    void sync() throws IOException {
        for (FileChannel channel : unsynced.values()) {
            channel.force(false);
            channel.close();
        }
        unsynced.clear();
    }

    /** Forgets in-memory digests after a rollback; they are rebuilt from disk when needed. */
    void forgetProgress() {
        unsynced.values().forEach(StagingArea::closeQuietly);
        unsynced.clear();
        digests.clear();
    }

    /** Names of staged bodies, for tests and status. */
    Set<String> stagedNames() throws IOException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }

    /** A staging file for a link or similar small entry; the caller moves it into place. */
    Path scratch(RelPath path, long seq) {
        return directory.resolve(seq + "-" + pathHash(path) + ".new");
    }

    void syncDirectory() throws IOException {
        Journal.fsyncDirectory(directory);
    }

    private FileChannel channel(String name, RelPath path, long seq) throws IOException {
        FileChannel channel = unsynced.get(name);
        if (channel == null) {
            channel = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            unsynced.put(name, channel);
            stagedByPath.computeIfAbsent(pathHash(path), k -> new TreeSet<>()).add(seq);
        }
        return channel;
    }

    private static void rebuildDigest(FileChannel channel, RunningDigest running, long upTo, RelPath path)
            throws IOException, PoisonException {
        if (channel.size() < upTo) {
            throw new PoisonException("body of " + path + " is missing bytes " + channel.size() + ".." + upTo
                    + " (earlier chunks were lost or dead-lettered)");
        }
        running.digest.reset();
        InputStream in = Channels.newInputStream(channel.position(0));
        byte[] buffer = new byte[1 << 16];
        long remaining = upTo;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("staged body of " + path + " shrank while it was read");
            }
            running.digest.update(buffer, 0, read);
            remaining -= read;
        }
        running.position = upTo;
    }

    private void forget(RelPath path, long seq) {
        String hash = pathHash(path);
        TreeSet<Long> staged = stagedByPath.get(hash);
        if (staged != null) {
            staged.remove(seq);
            if (staged.isEmpty()) {
                stagedByPath.remove(hash);
            }
        }
    }

    private static String nameOf(RelPath path, long seq) {
        return seq + "-" + pathHash(path) + SUFFIX;
    }

    private static String pathHash(RelPath path) {
        byte[] hash = sha256().digest(path.text().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 12);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing after a failure: the earlier error is what matters.
            }
        }
    }
}
