package dev.ferry.wire;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.ActiveMQMessageProducer;

/**
 * Asks an ActiveMQ broker's statistics plugin ({@code statisticsBrokerPlugin}, which Ferry's
 * brokers install) what it holds: the question every look at queues from a client goes through
 * ({@code ferry status}, the producer's mirror watch, the producer checking a mirror's queue
 * before it answers that mirror's repair).
 *
 * <p>A query is a message to {@code ActiveMQ.Statistics.Destination.<name>} with a reply queue,
 * where the name may be a wildcard ({@code Consumer.*.VirtualTopic.<queue>}); the plugin answers with
 * a map per matching destination, naming it, then, because the query asks for it, with an empty
 * map that ends the list. A destination that is not on the broker therefore answers with the end
 * marker alone, without waiting for a timeout, and asking creates nothing.
 */
public final class DestinationStatistics {

    /** The queue name a query goes to is this followed by the destinations asked about. */
    public static final String QUERY_PREFIX = "ActiveMQ.Statistics.Destination.";
    static final String END_OF_LIST = "ActiveMQ.Statistics.Destination.List.End.With.Null";
    /** How the plugin names a queue in its answer ({@code ActiveMQDestination.toString()}). */
    private static final String QUEUE_SCHEME = "queue://";
    // Should the plugin be missing, queries would pile up on a real queue; let them expire.
    private static final long QUERY_TIME_TO_LIVE_MILLIS = 60_000;

    private DestinationStatistics() {
    }

    /**
     * What the plugin says about one destination.
     *
     * @param size               the messages waiting on it
     * @param consumers          the consumers attached to it
     * @param averageMessageSize the average size of a message that went through it, in bytes
     * @param enqueued           the messages it received since the broker started
     */
    public record Counts(long size, long consumers, long averageMessageSize, long enqueued) {
        /** A destination the plugin did not name: nothing waits, nobody is attached. */
        public static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    /**
     * The counts of every destination that answers the queries {@code names} (wildcards allowed),
     * by name; a destination that is not on the broker is not among them. Asked on {@code
     * connection} (a started one, to the broker at {@code url}) in a session of its own that it
     * closes, its reply queue deleted.
     *
     * @param timeout how long to wait for all answers together
     * @throws IOException  when the broker does not answer at all within {@code timeout} (no
     *                      statistics plugin, most likely)
     * @throws JMSException when the broker cannot be reached, or refuses the question (a {@link
     *                      jakarta.jms.JMSSecurityException}, at once)
     */
    public static Map<String, Counts> ask(Connection connection, String url, List<String> names, Duration timeout)
            throws JMSException, IOException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replyQueue = null;
        try {
            replyQueue = session.createTemporaryQueue();
            MessageConsumer replies = session.createConsumer(replyQueue);
            // Anonymous, because a producer bound to the query queue would create that queue.
            MessageProducer asker = session.createProducer(null);
            asker.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            asker.setTimeToLive(QUERY_TIME_TO_LIVE_MILLIS);
            if (asker instanceof ActiveMQMessageProducer activemq) {
                // Sent and confirmed one by one, although not persistent: a broker that refuses the question
                // then fails the send, where a fire-and-forget one would report it later to the connection's
                // exception listener, which a caller's connection (the producer's own) takes for a lost broker.
                activemq.setSendTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            }
            for (String name : names) {
                Message question = session.createMessage();
                question.setJMSReplyTo(replyQueue);
                question.setJMSCorrelationID(name);
                question.setBooleanProperty(END_OF_LIST, true);
                asker.send(session.createQueue(QUERY_PREFIX + name), question);
            }
            Answers answers = collect(replies, names.size(), timeout);
            if (answers.isEmpty()) {
                throw new IOException("broker " + url + " did not answer a statistics query within "
                        + timeout.toMillis() + " ms; is the statisticsBrokerPlugin installed?");
            }
            return answers.counts;
        } finally {
            session.close();
            deleteQuietly(replyQueue);
        }
    }

    /** A connection of the caller's lives on: its reply queue must not. A broken connection has lost it anyway. */
    private static void deleteQuietly(TemporaryQueue replyQueue) {
        if (replyQueue == null) {
            return;
        }
        try {
            replyQueue.delete();
        } catch (JMSException | RuntimeException ignored) {
            // The connection is gone, and its temporary queues with it.
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

    /** The statistics received so far, per destination, and which queries have ended. */
    private static final class Answers {
        private final Map<String, Counts> counts = new HashMap<>();
        private final Set<String> finished = new HashSet<>();

        void add(String query, MapMessage map) throws JMSException {
            if (!map.getMapNames().hasMoreElements()) {
                finished.add(query);
                return;
            }
            String name = map.getString("destinationName");
            String destination = name != null && name.startsWith(QUEUE_SCHEME) ? name.substring(QUEUE_SCHEME.length())
                    : query;
            counts.put(destination, new Counts(longOf(map, "size"), longOf(map, "consumerCount"),
                    longOf(map, "averageMessageSize"), longOf(map, "enqueueCount")));
        }

        boolean isEmpty() {
            return counts.isEmpty() && finished.isEmpty();
        }

        private static long longOf(MapMessage map, String key) throws JMSException {
            return map.itemExists(key) ? map.getLong(key) : 0;
        }
    }
}
