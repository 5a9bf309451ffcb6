package dev.ferry.monitor;

import dev.ferry.broker.QueueHead;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes a {@link StatusReport}: the broker's statistics of the queue and its dead-letter queue,
 * the age of the oldest message on each (a browse of its head) and the producers' and consumers'
 * latest heartbeats. A user whose role may not browse a queue or read the status topic still gets
 * the rest, with the reason in place of what was refused.
 */
public final class StatusProbe {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);

    private StatusProbe() {
    }

    /**
     * @throws IOException  when the broker does not answer the statistics query
     * @throws JMSException when the broker cannot be reached
     */
    public static StatusReport probe(BrokerEndpoint endpoint, String queue, Clock clock)
            throws JMSException, IOException {
        QueueStatus status = QueueStatistics.query(endpoint, queue, STATISTICS_TIMEOUT);
        String deadLetterQueue = WireFormat.deadLetterQueueOf(queue);
        Connection connection = endpoint.connect("status", 1);
        try {
            StatusReport.Destination main = destination(connection, queue, status.waiting(), status.consumers(),
                    endpoint);
            StatusReport.Destination dead = destination(connection, deadLetterQueue, status.deadLettered(),
                    status.deadLetterConsumers(), endpoint);
            List<Heartbeat> processes = null;
            String unknown = null;
            try {
                processes = HeartbeatReader.latest(connection, queue);
            } catch (JMSSecurityException e) {
                unknown = who(endpoint) + " may not read topic " + WireFormat.statusTopicOf(queue);
            }
            return new StatusReport(endpoint.url(), main, dead, processes, unknown, clock.instant());
        } finally {
            connection.close();
        }
    }

    private static StatusReport.Destination destination(Connection connection, String name, long waiting,
                                                        long consumers, BrokerEndpoint endpoint) throws JMSException {
        if (waiting == 0) {
            return new StatusReport.Destination(name, 0, consumers, null, null);
        }
        try {
            Instant oldest = QueueHead.oldest(connection, name);
            return new StatusReport.Destination(name, waiting, consumers, oldest, null);
        } catch (JMSSecurityException e) {
            return new StatusReport.Destination(name, waiting, consumers, null,
                    who(endpoint) + " may not browse queue " + name);
        }
    }

    private static String who(BrokerEndpoint endpoint) {
        return endpoint.user() == null ? "an anonymous client" : "user " + endpoint.user();
    }
}
