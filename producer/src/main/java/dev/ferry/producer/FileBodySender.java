package dev.ferry.producer;

import dev.ferry.delta.Signature;
import dev.ferry.delta.SignatureWriter;
import dev.ferry.producer.watch.ClosedFiles;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the body of one regular file, whole or as a delta against the version the mirrors hold
 * ({@link BodyOut}), with the SHA-256 computed while reading, through one reused buffer whatever the
 * file's size.
 *
 * <p>A file is read once its writer closed it ({@link ClosedFiles}: with the modification time and
 * size it had then), or else once it has been left alone for the quiet period; and it is never
 * published torn: if it changed or vanished while it was read, the chunks already sent are
 * retracted with an {@link Abort} and the caller is told to try again later.
 */
final class FileBodySender {

    /** What became of an attempt to publish a file. */
    sealed interface Outcome {
        /** The body was sent; {@code entry} is what it was, with the hash of the content sent. */
        record Sent(Entry entry) implements Outcome {
        }

        /** Not sent (still being written, changed while read, or gone); look again at {@code when}. */
        record RetryAt(Instant when) implements Outcome {
        }

        /** Not sent and not worth retrying on its own (the producer may not read it). */
        record Skipped() implements Outcome {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(FileBodySender.class);

    private final SourceTree tree;
    private final FileOpener files;
    private final SequenceNumbers sequence;
    private final Clock clock;
    private final Duration quietPeriod;
    private final ClosedFiles closedFiles;
    private final StopCheck stop;
    private final Signatures signatures;
    private final byte[] buffer;

    /** {@code signatures} is null for a sender that sends every file whole. */
    FileBodySender(SourceTree tree, SequenceNumbers sequence, Clock clock, Duration quietPeriod,
                   ClosedFiles closedFiles, int chunkBytes, StopCheck stop, Signatures signatures) {
        this.tree = tree;
        this.signatures = signatures;
        this.files = new FileOpener(tree);
        this.sequence = sequence;
        this.clock = clock;
        this.quietPeriod = quietPeriod;
        this.closedFiles = closedFiles;
        this.stop = stop;
        this.buffer = new byte[chunkBytes];
    }

    /**
     * Sends the body of the file at {@code path}, which the caller saw as {@code before} (a file),
     * by {@code route}. That sight may be old: the body is only sent if the file is still that
     * version after it was read.
     */
    Outcome send(EventRoute route, RelPath path, Entry before) throws IOException, InterruptedException {
        return send(route, path, before, null);
    }

    /**
     * Like {@link #send(EventRoute, RelPath, Entry)}, as a delta against {@code published} when
     * there is a signature of it (see {@link Signatures}): the content every mirror holds at the
     * path once it applied what came before on the stream. Null sends the file whole.
     */
    Outcome send(EventRoute route, RelPath path, Entry before, Sha256 published)
            throws IOException, InterruptedException {
        Instant now = clock.instant();
        Instant settles = before.modified().plus(quietPeriod);
        if (Duration.between(before.modified(), now).abs().compareTo(quietPeriod) < 0
                && !closedFiles.closedAt(tree.resolve(path), before.mtimeNanos(), before.size())) {
            log.debug("{} was modified {} ago; waiting for it to settle", path, Duration.between(before.modified(), now));
            return new Outcome.RetryAt(settles);
        }
        SeekableByteChannel channel;
        try {
            channel = files.open(path);
        } catch (AccessDeniedException e) {
            tree.warnOnce(path.text(), "skipping {}: permission denied", path);
            return new Outcome.Skipped();
        } catch (IOException e) {
            return readFailed(route, path, before, -1, false, e);
        }
        try (channel) {
            // The directory opened may be another one that stood at the path for a moment (renamed
            // in and out again): its file of that name is not the one seen, whatever the path says later.
            Entry opened = before.fileKey() != null ? files.lookAtOpened(path) : before;
            if (opened == null || !opened.sameVersion(before)) {
                return retryAfterQuietPeriod(path, "was not the file seen when it was opened");
            }
            return sendBody(route, path, before, channel, published);
        }
    }

    /** Closes the directory kept open for the next file: see {@link FileOpener}. */
    void release() {
        files.release();
    }

    private Outcome sendBody(EventRoute route, RelPath path, Entry before, SeekableByteChannel channel,
                             Sha256 published) throws IOException, InterruptedException {
        MessageDigest sha256 = sha256();
        long seq = sequence.next();
        long size = before.size();
        Signature base = signatures == null ? null : signatures.baseFor(published, size);
        try (SignatureWriter signature = signatures == null ? null : signatures.begin(size, base)) {
            BodyOut out = base != null ? new DeltaBodyOut(route, path, seq, base, signature, buffer.length)
                    : new WholeBodyOut(route, path, seq, signature);
            long offset = 0;
            while (true) {
                stop.check();
                int wanted = (int) Math.min(buffer.length, size - offset);
                int read;
                try {
                    read = readFully(channel, wanted);
                } catch (IOException e) {
                    return readFailed(route, path, before, seq, out.sentAny(), e);
                }
                if (read < wanted) {
                    return abort(route, path, seq, out.sentAny(), "shrank while it was read");
                }
                sha256.update(buffer, 0, read);
                // Looking after every chunk stops early when a big file is being rewritten; looking
                // after the last one is what guarantees the body is whole.
                Entry after = lookAgain(path, before);
                if (after == null || !after.sameVersion(before)) {
                    return abort(route, path, seq, out.sentAny(), "changed while it was read");
                }
                if (offset + read < size) {
                    out.part(buffer, read);
                    // A big body spans transactions: the broker holds an open transaction in memory,
                    // and its flow control would block a producer whose transaction never ends. The
                    // consumer stages chunks until the last one, and the index learns of the file only
                    // after it, so a crash in between re-sends the whole file.
                    route.commitIfBatchFull();
                    offset += read;
                    continue;
                }
                String hash = HexFormat.of().formatHex(sha256.digest());
                out.last(buffer, read, size, hash, after.mode(), after.mtimeNanos());
                if (signature != null) {
                    signatures.keep(signature, hash, size);
                }
                if (out instanceof DeltaBodyOut delta) {
                    log.debug("sent {} as a delta against {}: {} of {} bytes literal", path, base, delta.literalBytes(),
                            size);
                }
                return new Outcome.Sent(after.withSha256(Sha256.of(hash)));
            }
        }
    }

    /**
     * The entry at {@code path} now, to compare with {@code before}: whether the file was left
     * alone while it was read, and whether its path still leads to it. What was read came from
     * inside the tree whatever this finds (the file was opened relative to its directory's
     * handle). When the file system gives entries an identity (device and inode), an lstat of
     * the path is enough: while a directory on the way is replaced by a link, the path leads to
     * another file, whose identity differs. Only without one are the ancestors walked down again.
     */
    private Entry lookAgain(RelPath path, Entry before) throws IOException {
        return before.fileKey() != null ? tree.lookAtFile(path) : tree.observe(path);
    }

    /**
     * A read that failed because the file was replaced or removed meanwhile is a race to retry,
     * even when it is back by now (a directory on its way moved aside and back); one that failed
     * on a file still in place is an error.
     */
    private Outcome readFailed(EventRoute route, RelPath path, Entry before, long seq, boolean sentChunks,
                               IOException e)
            throws IOException, InterruptedException {
        if (e instanceof ClosedByInterruptException) {
            throw new InterruptedException("interrupted while reading " + path);
        }
        if (e instanceof FileSystemException failure && SourceTree.isGone(failure)) {
            return abort(route, path, seq, sentChunks, "vanished while it was opened");
        }
        Entry now = tree.observe(path);
        if (now == null || !now.sameVersion(before)) {
            return abort(route, path, seq, sentChunks, "changed or vanished while it was read");
        }
        throw new IOException("cannot read " + tree.resolve(path) + ": " + e.getMessage(), e);
    }

    private Outcome abort(EventRoute route, RelPath path, long seq, boolean sentChunks, String what)
            throws IOException {
        if (sentChunks) {
            route.send(new Abort(path, seq), null, 0);
        }
        return retryAfterQuietPeriod(path, what);
    }

    private Outcome retryAfterQuietPeriod(RelPath path, String what) {
        log.debug("{} {}; trying again after the quiet period", path, what);
        return new Outcome.RetryAt(clock.instant().plus(quietPeriod));
    }

    private int readFully(SeekableByteChannel channel, int wanted) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, wanted);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                break;
            }
        }
        return target.position();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
