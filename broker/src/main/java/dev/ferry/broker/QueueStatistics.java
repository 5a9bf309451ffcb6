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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Asks a broker's statistics plugin (installed by {@link EmbeddedBroker} and
 * {@code broker-config/activemq.xml}) how queues are doing: one queue and its dead-letter queue,
 * or every mirror of a stream at once.
 *
 * <p>A query is a message to {@code ActiveMQ.Statistics.Destination.<name>} with a reply queue,
 * where the name may be a wildcard ({@code Consumer.*.VirtualTopic.<queue>}); the plugin answers with
 * a map per matching destination, naming it, then, because the query asks for it, with an empty
 * map that ends the list. A destination that does not exist yet therefore answers with the end
 * marker alone, and counts as empty without waiting for a timeout.
 */
public final class QueueStatistics {

    static final String QUERY_PREFIX = "ActiveMQ.Statistics.Destination.";
    static final String END_OF_LIST = "ActiveMQ.Statistics.Destination.List.End.With.Null";
    /** How the plugin names a queue in its answer ({@code ActiveMQDestination.toString()}). */
    private static final String QUEUE_SCHEME = "queue://";
    // Should the plugin be missing, queries would pile up on a real queue; let them expire.
    private static final long QUERY_TIME_TO_LIVE_MILLIS = 60_000;

    private QueueStatistics() {
    }

    /**
     * The status of {@code queue} and its dead-letter queue on the broker at {@code endpoint}.
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
            return statusOf(queue, ask(connection, endpoint.url(), List.of(queue, deadLetterQueue), timeout));
        } finally {
            connection.close();
        }
    }

    /**
     * The status of every mirror of the stream {@code queue}, and of the queue of before mirrors,
     * from one round of queries.
     *
     * @throws IOException  when the broker does not answer at all within {@code timeout}
     * @throws JMSException when the broker cannot be reached
     */
    public static StreamStatus stream(BrokerEndpoint endpoint, String queue, Duration timeout)
            throws JMSException, IOException {
        Connection connection = endpoint.connect("status", 10);
        try {
            return stream(connection, endpoint.url(), queue, timeout);
        } finally {
            connection.close();
        }
    }

    /**
     * {@link #stream(BrokerEndpoint, String, Duration)} on a connection of the caller's (a started
     * one, to the broker at {@code url}), in a session of its own that it closes.
     */
    public static StreamStatus stream(Connection connection, String url, String queue, Duration timeout)
            throws JMSException, IOException {
        String mirrorQueues = WireFormat.mirrorQueuesOf(queue);
        Map<String, Counts> counts = ask(connection, url, List.of(mirrorQueues,
                WireFormat.deadLetterQueueOf(mirrorQueues), queue, WireFormat.deadLetterQueueOf(queue)), timeout);
        TreeMap<String, QueueStatus> mirrors = new TreeMap<>();
        for (String destination : counts.keySet()) {
            String mirror = mirrorOwning(destination, queue);
            if (mirror != null) {
                mirrors.computeIfAbsent(mirror, m -> statusOf(WireFormat.mirrorQueueOf(m, queue), counts));
            }
        }
        return new StreamStatus(queue, mirrors, statusOf(queue, counts));
    }

    /** The mirror of the stream {@code queue} whose queue or dead-letter queue {@code destination} is, or null. */
    private static String mirrorOwning(String destination, String queue) {
        String deadLetterPrefix = WireFormat.deadLetterQueueOf("");
        return WireFormat.mirrorOf(destination.startsWith(deadLetterPrefix)
                ? destination.substring(deadLetterPrefix.length()) : destination, queue);
    }

    private static QueueStatus statusOf(String queue, Map<String, Counts> counts) {
        Counts own = counts.getOrDefault(queue, Counts.NONE);
        Counts dead = counts.getOrDefault(WireFormat.deadLetterQueueOf(queue), Counts.NONE);
        return new QueueStatus(queue, own.size(), own.consumers(), dead.size(), dead.consumers(),
                own.size() * own.averageMessageSize(), counts.containsKey(queue));
    }

    /** The counts of every destination that answers the queries {@code names} (wildcards allowed), by name. */
    private static Map<String, Counts> ask(Connection connection, String url, List<String> names, Duration timeout)
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

    /** What the plugin says about one destination. */
    private record Counts(long size, long consumers, long averageMessageSize) {
        static final Counts NONE = new Counts(0, 0, 0);
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
                    longOf(map, "averageMessageSize")));
        }

        boolean isEmpty() {
            return counts.isEmpty() && finished.isEmpty();
        }

        private static long longOf(MapMessage map, String key) throws JMSException {
            return map.itemExists(key) ? map.getLong(key) : 0;
        }
    }
}
