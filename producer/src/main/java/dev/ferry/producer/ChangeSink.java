package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import java.io.IOException;

/**
 * Where the producer publishes its events: the seam in front of the broker, so tests can record
 * what was sent or make a commit fail.
 *
 * <p>Sends are transactional: nothing sent is visible to consumers, or counts as published,
 * until {@link #commit()} returns.
 */
public interface ChangeSink extends AutoCloseable {

    /** Sends {@code event} with the first {@code length} bytes of {@code body} (null when {@code length} is 0). */
    void send(ChangeEvent event, byte[] body, int length) throws IOException;

    /** Makes everything sent so far durable on the broker. */
    void commit() throws IOException;

    /** Releases the connection; whatever was sent but not committed is discarded. */
    @Override
    void close() throws IOException;
}
