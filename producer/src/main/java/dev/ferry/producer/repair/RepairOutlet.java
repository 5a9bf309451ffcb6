package dev.ferry.producer.repair;

import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import java.io.IOException;

/**
 * Where a repair's answers go: to one mirror's queue only, in the producer's transaction, each
 * event with a new sequence number, so that a change published meanwhile (a lower number) never
 * wins over the repair's, and one published later (a higher number) always does.
 *
 * <p>Each event is made from what the producer's index holds at the path when it is sent, not
 * when the repair compared it: what changed since was published on the stream and is before the
 * repair's events in the mirror's queue, so sending the newer state repairs that too, and
 * sending an older one is never possible. Each method returns how many change events it sent.
 */
public interface RepairOutlet {

    /**
     * Sends the entry published at {@code path} whole: a file's body read from the source (if the
     * file is still the version published; else the producer publishes its new version anyway), a
     * directory with its permission bits and time, a symbolic link. Nothing when nothing is
     * published there (any more), or its publication is unsettled.
     */
    int sendEntry(String mirror, RelPath path) throws IOException, InterruptedException;

    /**
     * Sends a delete of {@code path}, the mirror holding something there that the source does not,
     * unless something is published there by now (a delete would overtake it).
     */
    int sendDelete(String mirror, RelPath path) throws IOException;

    /**
     * Sends a delete of {@code path} so that the entry published there, of another type than the
     * mirror's, can follow in its place; nothing when nothing is published there now.
     */
    int sendClearing(String mirror, RelPath path) throws IOException;

    /** Sends the permission bits and modification time published for the file or directory at {@code path}. */
    int sendAttributes(String mirror, RelPath path) throws IOException;

    /** Sends {@code message} to {@code mirror}'s queue. */
    void send(String mirror, RepairMessage message) throws IOException;

    /** Commits what was sent, and what the index learned meanwhile. */
    void commit() throws IOException;
}
