package dev.ferry.consumer.repair;

import dev.ferry.wire.RepairMessage;
import jakarta.jms.JMSException;

/**
 * The stream's control queue ({@link dev.ferry.wire.WireFormat#controlQueueOf}) as a consumer
 * reaches it: in the consumer's own transaction, each message asking for its answers on the
 * mirror's queue ({@code JMSReplyTo}).
 */
public interface ControlChannel {

    /**
     * Sends {@code message} in the current transaction.
     *
     * @throws IllegalArgumentException when it is too large to send ({@link dev.ferry.wire.RepairMessages#encode})
     * @throws jakarta.jms.JMSSecurityException when the broker does not let the consumer write to the control queue
     */
    void send(RepairMessage message) throws JMSException;

    /** Commits the current transaction, and with it what was sent. */
    void commit() throws JMSException;
}
