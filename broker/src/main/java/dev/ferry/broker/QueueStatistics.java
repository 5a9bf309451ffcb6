package dev.ferry.broker;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.DestinationStatistics;
import dev.ferry.wire.DestinationStatistics.Counts;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asks a broker's statistics plugin (installed by {@link EmbeddedBroker} and
 * {@code broker-config/activemq.xml}) how queues are doing: one queue and its dead-letter queue,
 * or every mirror of a stream at once.
 *
 * <p>The questions are {@link DestinationStatistics}'s: one per name, where the name may be a
 * wildcard ({@code Consumer.*.VirtualTopic.<queue>}). A destination that does not exist yet counts
 * as empty, without waiting for a timeout.
 */
public final class QueueStatistics {

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
            return statusOf(queue, DestinationStatistics.ask(connection, endpoint.url(),
                    List.of(queue, deadLetterQueue), timeout));
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
        Map<String, Counts> counts = DestinationStatistics.ask(connection, url, List.of(mirrorQueues,
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
}
