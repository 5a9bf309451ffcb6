package dev.ferry.bench;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.io.IOException;
import java.time.Duration;

/**
 * How many bytes went through one destination of the broker: what the statistics plugin says of it
 * (its enqueue count times the average size of the messages it took), for the bytes a repair costs
 * on the wire. The measure is the broker's own, of whole messages, headers and properties included.
 */
final class BrokerTraffic {

    private static final String QUERY_PREFIX = "ActiveMQ.Statistics.Destination.";

    private BrokerTraffic() {
    }

    /** The bytes enqueued on {@code destination} (a queue) since it was made; 0 when it does not exist. */
    static long bytesEnqueued(BrokerEndpoint endpoint, String destination, Duration timeout)
            throws JMSException, IOException {
        Connection connection = endpoint.connect("bench-traffic", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer answers = session.createConsumer(replies);
            // Anonymous: a producer bound to the query queue would make that queue.
            MessageProducer asker = session.createProducer(null);
            asker.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            Message question = session.createMessage();
            question.setJMSReplyTo(replies);
            asker.send(session.createQueue(QUERY_PREFIX + destination), question);
            Message answer = answers.receive(timeout.toMillis());
            if (answer == null) {
                // The plugin answers nothing for a destination that does not exist.
                return 0;
            }
            if (!(answer instanceof MapMessage map)) {
                throw new IOException("the statistics of " + destination + " came as a " + answer.getClass().getSimpleName());
            }
            return Math.round(map.getLong("enqueueCount") * number(map, "averageMessageSize"));
        } finally {
            connection.close();
        }
    }

    private static double number(MapMessage map, String name) throws JMSException {
        Object value = map.getObject(name);
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
