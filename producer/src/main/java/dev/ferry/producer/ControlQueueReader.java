package dev.ferry.producer;

import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.ActiveMQMessageConsumer;
import org.apache.activemq.ActiveMQSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the stream's control queue ({@link WireFormat#controlQueueOf}) on each connection of the
 * producer: in a session of its own that acknowledges each message by itself, once its answer is
 * committed in the producer's transaction (a message not acknowledged comes again after a lost
 * connection), one message at a time (the connection's prefetch is 1). A message arriving wakes
 * the producer's loop.
 *
 * <p>A broker whose access rules do not let the producer read the queue is told once, and the
 * producer publishes without answering repairs.
 */
final class ControlQueueReader {

    private static final Logger log = LoggerFactory.getLogger(ControlQueueReader.class);

    private final AtomicBoolean refusalTold = new AtomicBoolean();
    private volatile Runnable wake = () -> { };

    /** Has {@code wake} run (on the broker client's thread) when a control message arrives. */
    void onMessage(Runnable wake) {
        this.wake = wake;
    }

    /** The consumer of the control queue of the stream {@code queue}, or null when the broker refuses it. */
    MessageConsumer open(Connection connection, String queue) throws JMSException {
        Session session = connection.createSession(false, ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE);
        String control = WireFormat.controlQueueOf(queue);
        try {
            MessageConsumer consumer = session.createConsumer(session.createQueue(control));
            if (consumer instanceof ActiveMQMessageConsumer available) {
                available.setAvailableListener(ready -> wake.run());
            }
            return consumer;
        } catch (JMSSecurityException e) {
            if (refusalTold.compareAndSet(false, true)) {
                log.warn("not answering repair requests: the broker refuses this producer reading {} ({})", control,
                        e.getMessage());
            }
            session.close();
            return null;
        }
    }
}
