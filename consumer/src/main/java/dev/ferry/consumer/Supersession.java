package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.RelPath;
import java.util.BitSet;
import java.util.List;

/**
 * Finds the file bodies in a batch that a later event of the same batch makes pointless: a file
 * written, rewritten and deleted while the consumer was away is then never written at all.
 *
 * <p>A body is superseded when a later event replaces its path (a newer body, a link or a
 * directory there, a delete or a rename onto it or onto a directory above it) before anything
 * moves it away (a rename from its path or from above it still needs the bytes).
 */
final class Supersession {

    private Supersession() {
    }

    /** The positions in {@code events} (nulls are skipped) whose bodies need not be written. */
    static BitSet of(List<ChangeEvent> events) {
        BitSet superseded = new BitSet(events.size());
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            if ((event instanceof FileChunk || event instanceof PutFile) && isReplacedLater(event, events, i)) {
                superseded.set(i);
            }
        }
        return superseded;
    }

    private static boolean isReplacedLater(ChangeEvent body, List<ChangeEvent> events, int position) {
        RelPath path = body.path();
        for (int j = position + 1; j < events.size(); j++) {
            ChangeEvent later = events.get(j);
            if (later == null) {
                continue;
            }
            if (later instanceof Rename rename) {
                if (rename.from().contains(path)) {
                    return false;
                }
                if (rename.path().contains(path)) {
                    return true;
                }
            } else if (later instanceof Delete delete && delete.path().contains(path)) {
                return true;
            } else if (later.path().equals(path) && later.seq() > body.seq()
                    && (later instanceof PutFile || later instanceof PutSymlink || later instanceof PutDirectory)) {
                return true;
            }
        }
        return false;
    }
}
