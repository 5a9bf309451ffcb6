package dev.ferry.producer;

import dev.ferry.producer.repair.ControlInbox;
import dev.ferry.producer.repair.MirrorQueueCheck;
import dev.ferry.producer.repair.RefusedAnswerException;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RepairMessage;
import jakarta.jms.Message;
import java.io.IOException;

/**
 * Where the producer publishes its events: the seam in front of the broker, so tests can record
 * what was sent, make a commit fail or take the broker away.
 *
 * <p>Sends are transactional: nothing sent is visible to consumers, or counts as published,
 * until {@link #commit()} returns. When the broker goes away, {@link #send}, {@link #commit()}
 * and {@link #checkConnected()} throw {@link BrokerUnavailableException}; the open transaction
 * is lost with the connection, and the sink stays unusable until {@link #reconnect()} succeeds.
 *
 * <p>A sink may also carry repairs ({@link dev.ferry.producer.repair.RepairResponder}): read the
 * stream's control queue ({@link ControlInbox}), tell whether a mirror's queue exists ({@link
 * MirrorQueueCheck}) and send to one mirror's queue in the same transaction. One that does not has
 * no control messages and refuses answers.
 */
public interface ChangeSink extends AutoCloseable, ControlInbox, MirrorQueueCheck {

    /**
     * Numbers every message sent on the stream's topic from now on with {@code stream}'s id and
     * {@linkplain StreamSequence#next() next number}; whoever commits the index commits or rolls
     * back the numbers with it. Called once, before the first send.
     */
    void useStream(StreamSequence stream);

    /** Sends {@code event} with the first {@code length} bytes of {@code body} (null when {@code length} is 0). */
    void send(ChangeEvent event, byte[] body, int length) throws IOException;

    /**
     * Sends {@code event} to the queue of {@code mirror} only, in the open transaction, outside the
     * stream (its messages carry no stream number).
     *
     * @throws RefusedAnswerException when the broker refuses the producer that queue
     */
    default void sendToMirror(String mirror, ChangeEvent event, byte[] body, int length) throws IOException {
        throw new RefusedAnswerException("this sink sends to no mirror's queue", null);
    }

    /**
     * Sends {@code message} to the queue of {@code mirror} only, in the open transaction.
     *
     * @throws RefusedAnswerException when the broker refuses the producer that queue
     */
    default void sendToMirror(String mirror, RepairMessage message) throws IOException {
        throw new RefusedAnswerException("this sink sends to no mirror's queue", null);
    }

    /** This sink has no control queue, unless it says otherwise. */
    @Override
    default Message nextControl() throws IOException {
        return null;
    }

    @Override
    default void acknowledgeControl(Message message) throws IOException {
    }

    /** Like the answers, a sink that sends to no mirror's queue cannot tell of one. */
    @Override
    default boolean exists(String mirror) throws IOException {
        throw new RefusedAnswerException("this sink cannot tell whether a mirror's queue exists", null);
    }

    /** Has {@code wake} run (on any thread) whenever a control message arrives, so a waiting producer looks at once. */
    default void onControlMessage(Runnable wake) {
    }

    /**
     * Body bytes of the messages sent on the stream's topic since the sink was opened, as they
     * travel to the broker (compressed where they are), committed or not: whoever commits counts
     * what a commit made durable as the difference. A sink that does not know says 0.
     */
    default long wireBytes() {
        return 0;
    }

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
