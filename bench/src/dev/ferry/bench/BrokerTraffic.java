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
 * How many messages and bytes went through one destination of the broker: what the statistics plugin
 * says of it (its enqueue count, and that times the average size of the messages it took), for what a
 * repair, a delta or a first copy costs on the wire. The measure is the broker's own, not Ferry's:
 * ActiveMQ sizes a message as its body plus its properties plus a fixed 1,024 bytes for the headers
 * ({@code Message.DEFAULT_MINIMUM_MESSAGE_SIZE}), so {@code 1024 × messages} of the bytes are that allowance.
 */
final class BrokerTraffic {

    /** What went through a destination: the messages, and their bytes as the broker sizes them. */
    record Traffic(long messages, long bytes) {

        static final Traffic NONE = new Traffic(0, 0);

        /** What went through between {@code earlier} and this. */
        Traffic since(Traffic earlier) {
            return new Traffic(messages - earlier.messages, bytes - earlier.bytes);
        }

        Traffic plus(Traffic other) {
            return new Traffic(messages + other.messages, bytes + other.bytes);
        }
    }

    private static final String QUERY_PREFIX = "ActiveMQ.Statistics.Destination.";

    private BrokerTraffic() {
    }

    /** What was enqueued on {@code destination} (a queue) since it was made; none when it does not exist. */
    static Traffic enqueued(BrokerEndpoint endpoint, String destination, Duration timeout)
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
                return Traffic.NONE;
            }
            if (!(answer instanceof MapMessage map)) {
                throw new IOException("the statistics of " + destination + " came as a " + answer.getClass().getSimpleName());
            }
            long messages = map.getLong("enqueueCount");
            return new Traffic(messages, Math.round(messages * number(map, "averageMessageSize")));
        } finally {
            connection.close();
        }
    }

    private static double number(MapMessage map, String name) throws JMSException {
        Object value = map.getObject(name);
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
