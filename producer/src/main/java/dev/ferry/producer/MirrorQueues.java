package dev.ferry.producer;

import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.util.List;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.DestinationInfo;

/**
 * Makes sure the queues of the mirrors a producer keeps exist before it publishes, so the broker's
 * virtual topic copies every event to them from the first one, even if their consumers never ran:
 * the broker copies a message only to the mirror queues that exist when it is sent.
 *
 * <p>The queue is made with ActiveMQ's "add destination" command, which the broker answers before
 * the next command of the connection is read, and which needs only the right to create the queue
 * ("admin" in broker-config/). A message producer bound to the queue would create it too, but it
 * also needs the right to write it, which a producer's user has no use for. Adding a queue that
 * exists changes nothing, so this is done on every (re)connection: a broker that lost its data, or
 * a mirror queue removed meanwhile, gets the queue back before the next event.
 */
final class MirrorQueues {

    private MirrorQueues() {
    }

    /**
     * Creates the queue of each of {@code mirrors} of the stream {@code queue} that does not exist.
     *
     * @throws JMSException when the broker refuses (a {@link jakarta.jms.JMSSecurityException} when the
     *                      user may not create a mirror queue) or goes away
     */
    static void ensure(Connection connection, String queue, List<String> mirrors) throws JMSException {
        if (!(connection instanceof ActiveMQConnection activemq)) {
            throw new IllegalStateException("mirror queues are made on ActiveMQ connections only, not on a "
                    + connection.getClass().getName());
        }
        for (String mirror : mirrors) {
            ActiveMQQueue mirrorQueue = new ActiveMQQueue(WireFormat.mirrorQueueOf(mirror, queue));
            activemq.syncSendPacket(new DestinationInfo(activemq.getConnectionInfo().getConnectionId(),
                    DestinationInfo.ADD_OPERATION_TYPE, mirrorQueue));
        }
    }
}
