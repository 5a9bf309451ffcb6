package dev.ferry.consumer;

import dev.ferry.consumer.PendingFiles.Pending;
import dev.ferry.consumer.StagingArea.StagedBody;
import dev.ferry.verify.ContentHash;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.DeltaChunk;
import dev.ferry.wire.ChangeEvent.FileVersion;
import dev.ferry.wire.ChangeEvent.PutDelta;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutAttributes;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.ChangeLog;
import dev.ferry.wire.RelPath;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one event to the replica: the idempotent receiver.
 *
 * <p>An event the {@link Ledger} says was applied already, or that a newer event has overtaken,
 * changes nothing. Otherwise its effect is made on disk (a file body only ever becomes visible
 * whole and verified) and recorded in the ledger, which the consumer commits together with the
 * JMS transaction.
 */
final class ChangeApplier {

    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);

    private final ReplicaTree tree;
    private final StagingArea staging;
    private final Ledger ledger;
    private final Executor syncer;
    private final PendingFiles pending = new PendingFiles();

    /** {@code syncer} runs the fsyncs of verified bodies, several at a time. */
    ChangeApplier(ReplicaTree tree, StagingArea staging, Ledger ledger, Executor syncer) {
        this.tree = tree;
        this.staging = staging;
        this.ledger = ledger;
        this.syncer = syncer;
    }

    /**
     * Applies {@code event}, whose body (if any) is {@code body}, from {@code message}. A whole file is only
     * verified and set on its way to disk: it becomes pending, and {@link #land} finishes it.
     *
     * @return whether the replica changed (false for a duplicate, stale or intermediate event, and
     *         for a file that is pending)
     */
    boolean apply(ChangeEvent event, EventBody body, Message message) throws IOException, JMSException, PoisonException {
        try {
            return change(event, body, message);
        } catch (FileSystemException e) {
            throw poisonIfTooLong(event, e);
        }
    }

    /** Whether pending files must land before {@code event} is applied (see {@link PendingFiles}). */
    boolean mustLandBefore(ChangeEvent event) {
        return pending.mustLandBefore(event);
    }

    boolean pendingIsFull() {
        return pending.isFull();
    }

    /** The pending files, in event order; each must be {@linkplain #land landed} or the batch rolled back. */
    List<Pending> takePending() {
        return pending.takeAll();
    }

    /** Waits for a pending file to be durable, then moves it into place and records it. */
    void land(Pending file) throws IOException, PoisonException {
        FileVersion event = file.event();
        try {
            file.durable().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException("fsync the body of " + event.path(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + event.path() + " was made durable");
        }
        try {
            tree.moveIntoPlace(file.staged(), event.path());
        } catch (FileSystemException e) {
            throw poisonIfTooLong(event, e);
        }
        ledger.recordNode(event.path(), event.seq());
        staging.discardOlder(event.path(), event.seq());
        ChangeLog.applied(log, event);
    }

    /** Drops the pending files after a rollback; their events will come again. */
    void forgetPending() {
        pending.takeAll();
    }

    private FileSystemException poisonIfTooLong(ChangeEvent event, FileSystemException e) throws PoisonException {
        if (e.getReason() != null && e.getReason().contains("File name too long")) {
            // A path the wire allows can still exceed PATH_MAX once under this root; no retry helps.
            throw new PoisonException(event.path() + " is too long to create under " + tree.root()
                    + ": " + e.getReason());
        }
        return e;
    }

    private boolean change(ChangeEvent event, EventBody body, Message message) throws IOException, JMSException, PoisonException {
        if (ledger.isStale(event.path(), event.seq())) {
            log.debug("skipped stale or duplicate {} of {} (seq {})", kind(event), event.path(), event.seq());
            return false;
        }
        if (event instanceof FileChunk chunk) {
            staging.write(chunk.path(), chunk.seq(), chunk.offset(), chunk.length(), body);
            return false;
        }
        if (event instanceof PutFile file) {
            stageFile(file, body, message);
            return false;
        }
        if (event instanceof DeltaChunk delta) {
            staging.patch(delta.path(), delta.seq(), delta.offset(), delta.pieces(), tree.pathOf(delta.path()),
                    delta.baseSize(), body);
            return false;
        }
        if (event instanceof PutDelta delta) {
            return stageDelta(delta, body, message);
        }
        if (event instanceof PutDirectory dir) {
            tree.makeDirectory(dir.path(), dir.mode(), dir.mtimeNanos());
            ledger.recordNode(dir.path(), dir.seq());
            ChangeLog.applied(log, dir);
        } else if (event instanceof PutSymlink link) {
            putSymlink(link);
        } else if (event instanceof PutAttributes attributes) {
            if (!tree.setAttributes(attributes.path(), attributes.mode(), attributes.mtimeNanos())) {
                // Gone, or replaced by a link, since the mirror described it: the next repair sees to it.
                log.debug("no file or directory at {} to give the attributes of seq {}", attributes.path(),
                        attributes.seq());
                return false;
            }
            ledger.recordNode(attributes.path(), attributes.seq());
            ChangeLog.applied(log, attributes);
        } else if (event instanceof Delete delete) {
            tree.delete(delete.path());
            ledger.recordSubtree(delete.path(), delete.seq());
            ChangeLog.applied(log, delete);
        } else if (event instanceof Rename rename) {
            rename(rename);
        } else if (event instanceof Abort abort) {
            staging.discard(abort.path(), abort.seq());
            return false;
        }
        staging.discardOlder(event.path(), event.seq());
        return true;
    }

    private void stageFile(PutFile file, EventBody body, Message message) throws IOException, JMSException, PoisonException {
        if (file.length() > 0) {
            staging.write(file.path(), file.seq(), file.offset(), file.length(), body);
        }
        pend(file, staging.complete(file.path(), file.seq(), file.size(), file.sha256()), message);
    }

    /**
     * The last part of a delta: the body made from the replica's file and the literal bytes becomes
     * pending like any verified body. When it could not be made (the replica's file is not the base
     * the delta was made against: edited, replaced or removed behind the consumer's back), nothing
     * is applied: the mirror asks for a repair, which compares the two sides and sends the file
     * whole. Unless the file in place already is the content wanted: the delta came again after its
     * body was moved into place (a crash before the acknowledgement), or a repair sent it already.
     *
     * @return whether the replica changed (only when the file in place got the event's attributes)
     */
    private boolean stageDelta(PutDelta delta, EventBody body, Message message)
            throws IOException, JMSException, PoisonException {
        Path target = tree.pathOf(delta.path());
        boolean made = delta.pieces().count() == 0 || staging.patch(delta.path(), delta.seq(), delta.offset(),
                delta.pieces(), target, delta.baseSize(), body);
        StagedBody staged = made ? staging.completeIfExact(delta.path(), delta.seq(), delta.size(), delta.sha256())
                : null;
        if (staged != null) {
            pend(delta, staged, message);
            return false;
        }
        staging.discard(delta.path(), delta.seq());
        if (holds(target, delta.size(), delta.sha256())
                && tree.setAttributes(delta.path(), delta.mode(), delta.mtimeNanos())) {
            log.info("{} already holds the content of its delta (seq {}); kept it", delta.path(), delta.seq());
            ledger.recordNode(delta.path(), delta.seq());
            staging.discardOlder(delta.path(), delta.seq());
            ChangeLog.applied(log, delta);
            return true;
        }
        log.warn("{} in the mirror is not the version its delta (seq {}) was made from (base {}, {} bytes): it was "
                        + "changed, replaced or removed behind Ferry's back; left it as it is and asking for a repair, "
                        + "which sends it whole", delta.path(), delta.seq(), delta.base().substring(0, 12),
                delta.baseSize());
        ledger.wantRepair(true);
        return false;
    }

    /** Whether {@code file} is a regular file of this size and content (read whole: only after a delta failed). */
    private static boolean holds(Path file, long size, String sha256) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() && attributes.size() == size && ContentHash.sha256(file).equals(sha256);
        } catch (FileSystemException e) {
            return false; // Gone, or not a file that can be read: not the content wanted.
        }
    }

    private void pend(FileVersion file, StagedBody staged, Message message) throws IOException {
        try {
            ReplicaTree.setMetadata(staged.file(), file.mode(), file.mtimeNanos());
        } catch (IOException | RuntimeException e) {
            staged.channel().close();
            throw e;
        }
        CompletableFuture<Void> durable = CompletableFuture.runAsync(() -> {
            try {
                staged.forceAndClose();
            } catch (IOException e) {
                throw new UncheckedIOException("fsync " + staged.file() + " (the body of " + file.path() + ")", e);
            }
        }, syncer);
        pending.add(new Pending(file, message, staged.file(), durable));
    }

    private void putSymlink(PutSymlink link) throws IOException {
        Path scratch = staging.scratch(link.path(), link.seq());
        Files.deleteIfExists(scratch);
        // The target was checked to stay inside the tree when the event was decoded.
        Files.createSymbolicLink(scratch, Paths.get(link.target()));
        try {
            tree.moveIntoPlace(scratch, link.path());
        } catch (IOException | RuntimeException e) {
            // Read from the staging directory, the target may point anywhere, even out of the tree.
            Files.deleteIfExists(scratch);
            throw e;
        }
        ledger.recordNode(link.path(), link.seq());
        ChangeLog.applied(log, link);
    }

    private void rename(Rename rename) throws IOException {
        RelPath from = rename.from();
        if (ledger.isStale(from, rename.seq())) {
            // The source was replaced after this rename was sent; what is there is not what moved.
            log.warn("rename {} -> {} (seq {}) is older than what is at {}; left {} as it is",
                    from, rename.path(), rename.seq(), from, rename.path());
        } else {
            if (tree.rename(from, rename.path())) {
                ChangeLog.applied(log, rename);
            } else if (!tree.exists(rename.path())) {
                log.warn("rename {} -> {}: nothing at {} to move; {} stays absent until its next change",
                        from, rename.path(), from, rename.path());
            }
            ledger.recordSubtree(from, rename.seq());
            staging.discardOlder(from, rename.seq());
        }
        ledger.recordSubtree(rename.path(), rename.seq());
    }

    private static String kind(ChangeEvent event) {
        return event.getClass().getSimpleName();
    }
}
