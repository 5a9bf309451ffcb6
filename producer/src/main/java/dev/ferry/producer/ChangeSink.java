package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import java.io.IOException;

/**
 * Where the producer publishes its events: the seam in front of the broker, so tests can record
 * what was sent, make a commit fail or take the broker away.
 *
 * <p>Sends are transactional: nothing sent is visible to consumers, or counts as published,
 * until {@link #commit()} returns. When the broker goes away, {@link #send}, {@link #commit()}
 * and {@link #checkConnected()} throw {@link BrokerUnavailableException}; the open transaction
 * is lost with the connection, and the sink stays unusable until {@link #reconnect()} succeeds.
 */
public interface ChangeSink extends AutoCloseable {

    /**
     * Numbers every message sent on the stream's topic from now on with {@code stream}'s id and
     * {@linkplain StreamSequence#next() next number}; whoever commits the index commits or rolls
     * back the numbers with it. Called once, before the first send.
     */
    void useStream(StreamSequence stream);

    /** Sends {@code event} with the first {@code length} bytes of {@code body} (null when {@code length} is 0). */
    void send(ChangeEvent event, byte[] body, int length) throws IOException;

    /** Makes everything sent so far durable on the broker. */
    void commit() throws IOException;

    /** Throws when the connection is known to be lost, which the broker client notices even while nothing is sent. */
    void checkConnected() throws BrokerUnavailableException;

    /**
     * Replaces the connection with a new one; whatever was sent but not committed is discarded.
     *
     * @throws BrokerUnavailableException while the broker cannot be reached
     * @throws IOException                when the sink is closed
     */
    void reconnect() throws IOException;

    /** Releases the connection; whatever was sent but not committed is discarded. */
    @Override
    void close() throws IOException;
}
