package dev.ferry.producer.repair;

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
}
