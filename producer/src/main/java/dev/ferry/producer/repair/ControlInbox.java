package dev.ferry.producer.repair;

import dev.ferry.wire.WireFormatException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;

/**
 * The stream's control queue ({@link dev.ferry.wire.WireFormat#controlQueueOf}), as the producer
 * reads it: one message at a time, which stays on the queue until it is acknowledged, and comes
 * again after a lost connection if it was not.
 */
public interface ControlInbox {

    /** The next message waiting on the control queue, or null when none is. */
    Message nextControl() throws IOException;

    /** Takes {@code message} off the control queue: its answer is committed, or it deserves none. */
    void acknowledgeControl(Message message) throws IOException;

    /**
     * {@code message} as its consumer composed it: opened when the stream is encrypted
     * ({@link dev.ferry.wire.seal.Seal#open}); as it is by default.
     *
     * @throws WireFormatException when it cannot be opened (in clear on an encrypted stream, say)
     */
    default Message open(Message message) throws WireFormatException, JMSException {
        return message;
    }
}
