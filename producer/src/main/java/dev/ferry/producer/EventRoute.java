package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import java.io.IOException;

/**
 * Where the events of a change go, in the publisher's transaction: the stream's topic (the
 * {@link Publisher} itself), or one mirror's queue ({@link Publisher#toMirror}) for a repair.
 */
interface EventRoute {

    /** Sends {@code event} with the first {@code length} bytes of {@code body}. */
    void send(ChangeEvent event, byte[] body, int length) throws IOException;

    /** Commits when the transaction has reached its size or age. */
    void commitIfBatchFull() throws IOException;
}
