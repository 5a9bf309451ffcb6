package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.ChangeLog;
import dev.ferry.wire.RelPath;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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

    ChangeApplier(ReplicaTree tree, StagingArea staging, Ledger ledger) {
        this.tree = tree;
        this.staging = staging;
        this.ledger = ledger;
    }

    /**
     * Applies {@code event}, whose body (if any) is in {@code message}.
     *
     * @return whether the replica changed (false for a duplicate, stale or intermediate event)
     */
    boolean apply(ChangeEvent event, BytesMessage message) throws IOException, JMSException, PoisonException {
        try {
            return change(event, message);
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("File name too long")) {
                // A path the wire allows can still exceed PATH_MAX once under this root; no retry helps.
                throw new PoisonException(event.path() + " is too long to create under " + tree.root()
                        + ": " + e.getReason());
            }
            throw e;
        }
    }

    private boolean change(ChangeEvent event, BytesMessage message) throws IOException, JMSException, PoisonException {
        if (ledger.isStale(event.path(), event.seq())) {
            log.debug("skipped stale or duplicate {} of {} (seq {})", kind(event), event.path(), event.seq());
            return false;
        }
        if (event instanceof FileChunk chunk) {
            staging.write(chunk.path(), chunk.seq(), chunk.offset(), chunk.length(), message);
            return false;
        }
        if (event instanceof PutFile file) {
            putFile(file, message);
        } else if (event instanceof PutDirectory dir) {
            tree.makeDirectory(dir.path(), dir.mode(), dir.mtimeNanos());
            ledger.recordNode(dir.path(), dir.seq());
            ChangeLog.applied(log, dir);
        } else if (event instanceof PutSymlink link) {
            putSymlink(link);
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

    private void putFile(PutFile file, BytesMessage message) throws IOException, JMSException, PoisonException {
        if (file.length() > 0) {
            staging.write(file.path(), file.seq(), file.offset(), file.length(), message);
        }
        Path staged = staging.complete(file.path(), file.seq(), file.size(), file.sha256());
        ReplicaTree.setMetadata(staged, file.mode(), file.mtimeNanos());
        tree.moveIntoPlace(staged, file.path());
        ledger.recordNode(file.path(), file.seq());
        ChangeLog.applied(log, file);
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
