package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.FileVersion;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.RelPath;
import jakarta.jms.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Verified file bodies on their way into the replica: each is being fsynced in the background and
 * waits to be moved into place.
 *
 * <p>Fsyncing one small file after another leaves the disk idle between journal commits; fsyncs
 * issued together share them (ext4 commits concurrent fsyncs in one journal transaction), which
 * is most of the consumer's speed on many small files. The moves stay in event order: an event
 * that touches a pending path, one of its ancestors or one of its descendants is applied only
 * after the pending files have landed ({@link #mustLandBefore}).
 */
final class PendingFiles {

    /** Bounds the open staging files, whatever the batch size. */
    static final int MAX_PENDING = 512;

    /**
     * A body staged, verified and given its metadata, whose fsync is {@code durable}.
     *
     * @param message the message that carried it, so that a failure to land it is that message's
     */
    record Pending(FileVersion event, Message message, Path staged, Future<?> durable) {
    }

    private final List<Pending> pending = new ArrayList<>();
    private final Set<RelPath> paths = new HashSet<>();
    private final Set<RelPath> ancestors = new HashSet<>();

    void add(Pending file) {
        pending.add(file);
        paths.add(file.event().path());
        for (RelPath parent = file.event().path().parent(); parent != null; parent = parent.parent()) {
            if (!ancestors.add(parent)) {
                break; // its ancestors are in already
            }
        }
    }

    boolean isFull() {
        return pending.size() >= MAX_PENDING;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Whether {@code event} could observe or disturb a pending file, so those must land first. */
    boolean mustLandBefore(ChangeEvent event) {
        if (pending.isEmpty() || event instanceof FileChunk) {
            return false; // a chunk only writes to its own staging file
        }
        return touches(event.path()) || (event instanceof Rename rename && touches(rename.from()));
    }

    private boolean touches(RelPath path) {
        if (ancestors.contains(path)) {
            return true;
        }
        for (RelPath p = path; p != null; p = p.parent()) {
            if (paths.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** The pending files in the order their events came, leaving none pending. */
    List<Pending> takeAll() {
        List<Pending> taken = List.copyOf(pending);
        pending.clear();
        paths.clear();
        ancestors.clear();
        return taken;
    }
}
