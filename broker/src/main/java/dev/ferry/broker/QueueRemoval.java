package dev.ferry.broker;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.DestinationInfo;

/**
 * Removes a queue from the broker with everything on it, as ActiveMQ's "remove destination"
 * command does: the broker frees what its messages held in the store, and a virtual topic copies
 * nothing to it any more. It needs the "admin" right on the queue (broker-config/). Removing a
 * queue that does not exist does nothing.
 *
 * <p>Without force, the broker refuses while a consumer is attached ("... still has an active
 * subscription"), a check it makes when the command arrives: a consumer that subscribes a moment
 * later makes the queue again, empty. With force it removes the queue under its consumers, which
 * then receive nothing until they subscribe again.
 */
public final class QueueRemoval {

    private QueueRemoval() {
    }

    /**
     * Removes {@code queue} on the broker {@code connection} leads to, waiting for its answer.
     *
     * @throws JMSException when a consumer is attached (and not {@code force}), the user may not
     *                      remove the queue ({@link jakarta.jms.JMSSecurityException}), or the broker
     *                      goes away
     */
    public static void remove(Connection connection, String queue, boolean force) throws JMSException {
        if (!(connection instanceof ActiveMQConnection activemq)) {
            throw new IllegalStateException("queues are removed on ActiveMQ connections only, not on a "
                    + connection.getClass().getName());
        }
        DestinationInfo removal = new DestinationInfo(activemq.getConnectionInfo().getConnectionId(),
                DestinationInfo.REMOVE_OPERATION_TYPE, new ActiveMQQueue(queue));
        // 0: refuse while subscribed (what ActiveMQConnection.destroyDestination sends); below 0: remove anyway.
        removal.setTimeout(force ? -1 : 0);
        activemq.syncSendPacket(removal);
    }
}
