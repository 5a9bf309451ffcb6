package dev.ferry.broker;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Asks a broker's statistics plugin (installed by {@link EmbeddedBroker} and
 * {@code broker-config/activemq.xml}) how a queue and its dead-letter queue are doing.
 *
 * <p>A query is a message to {@code ActiveMQ.Statistics.Destination.<queue>} with a reply queue;
 * the plugin answers with a map per matching destination, then, because the query asks for it,
 * with an empty map that ends the list. A destination that does not exist yet therefore answers
 * with the end marker alone, and counts as empty without waiting for a timeout.
 */
public final class QueueStatistics {

    static final String QUERY_PREFIX = "ActiveMQ.Statistics.Destination.";
    static final String END_OF_LIST = "ActiveMQ.Statistics.Destination.List.End.With.Null";
    // Should the plugin be missing, queries would pile up on a real queue; let them expire.
    private static final long QUERY_TIME_TO_LIVE_MILLIS = 60_000;

    private QueueStatistics() {
    }

    /**
     * The status of {@code queue} on the broker at {@code endpoint}.
     *
     * @param timeout how long to wait for all answers together
     * @throws IOException  when the broker does not answer at all within {@code timeout}
     * @throws JMSException when the broker cannot be reached
     */
    public static QueueStatus query(BrokerEndpoint endpoint, String queue, Duration timeout)
            throws JMSException, IOException {
        String deadLetterQueue = WireFormat.deadLetterQueueOf(queue);
        Connection connection = endpoint.connect("status", 10);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replyQueue = session.createTemporaryQueue();
            MessageConsumer replies = session.createConsumer(replyQueue);
            // Anonymous, because a producer bound to the query queue would create that queue.
            MessageProducer asker = session.createProducer(null);
            asker.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            asker.setTimeToLive(QUERY_TIME_TO_LIVE_MILLIS);
            for (String destination : new String[] {queue, deadLetterQueue}) {
                Message question = session.createMessage();
                question.setJMSReplyTo(replyQueue);
                question.setJMSCorrelationID(destination);
                question.setBooleanProperty(END_OF_LIST, true);
                asker.send(session.createQueue(QUERY_PREFIX + destination), question);
            }
            Answers answers = collect(replies, 2, timeout);
            if (answers.isEmpty()) {
                throw new IOException("broker " + endpoint.url() + " did not answer a statistics query within "
                        + timeout.toMillis() + " ms; is the statisticsBrokerPlugin installed?");
            }
            return new QueueStatus(queue, answers.sum(queue, "size"), answers.sum(queue, "consumerCount"),
                    answers.sum(deadLetterQueue, "size"), answers.sum(deadLetterQueue, "consumerCount"));
        } finally {
            connection.close();
        }
    }

    private static Answers collect(MessageConsumer replies, int queries, Duration timeout) throws JMSException {
        Answers answers = new Answers();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answers.finished.size() < queries) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                break;
            }
            Message reply = replies.receive(remainingMillis);
            if (reply == null) {
                break;
            }
            if (reply instanceof MapMessage map) {
                answers.add(reply.getJMSCorrelationID(), map);
            }
        }
        return answers;
    }

    /** The statistics received so far, per destination asked about. */
    private static final class Answers {
        private final Map<String, Map<String, Long>> counts = new HashMap<>();
        private final Set<String> finished = new HashSet<>();

        void add(String destination, MapMessage map) throws JMSException {
            if (!map.getMapNames().hasMoreElements()) {
                finished.add(destination);
                return;
            }
            // A wildcard query answers once per matching destination; their counts add up.
            Map<String, Long> sums = counts.computeIfAbsent(destination, d -> new HashMap<>());
            for (String key : new String[] {"size", "consumerCount"}) {
                if (map.itemExists(key)) {
                    sums.merge(key, map.getLong(key), Long::sum);
                }
            }
        }

        long sum(String destination, String key) {
            return counts.getOrDefault(destination, Map.of()).getOrDefault(key, 0L);
        }

        boolean isEmpty() {
            return counts.isEmpty() && finished.isEmpty();
        }
    }
}
