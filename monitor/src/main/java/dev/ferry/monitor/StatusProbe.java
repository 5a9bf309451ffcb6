package dev.ferry.monitor;

import dev.ferry.broker.QueueHead;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.broker.StreamStatus;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a {@link StatusReport}: the broker's statistics of every mirror's queue and dead-letter
 * queue and of the queues of before mirrors (one round of wildcard queries), the age of the oldest
 * message on each (a browse of its head), the producers' and consumers' latest heartbeats, and the
 * broker's network links up ({@link NetworkLinks}), by which it tells which mirrors wait here to be
 * forwarded to another site ({@link MirrorForwarding}). A user whose role may not browse a queue or
 * read the status topic or the links' advisory still gets the rest, with the reason in place of
 * what was refused.
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
        StreamStatus stream = QueueStatistics.stream(endpoint, queue, STATISTICS_TIMEOUT);
        Connection connection = endpoint.connect("status", 1);
        try {
            List<StatusReport.Mirror> mirrors = new ArrayList<>();
            mirrors.add(mirror(connection, WireFormat.DEFAULT_MIRROR, stream.mirror(WireFormat.DEFAULT_MIRROR), endpoint));
            for (String name : stream.mirrors().keySet()) {
                if (!name.equals(WireFormat.DEFAULT_MIRROR)) {
                    mirrors.add(mirror(connection, name, stream.mirror(name), endpoint));
                }
            }
            StatusReport.Mirror legacy = mirror(connection, null, stream.legacy(), endpoint);
            NetworkLinks links = NetworkLinks.listen(connection, endpoint); // Replayed while the beats are read.
            List<Heartbeat> processes = null;
            String unknown = null;
            try {
                processes = HeartbeatReader.latest(connection, queue);
            } catch (JMSSecurityException e) {
                unknown = who(endpoint) + " may not read topic " + WireFormat.statusTopicOf(queue);
            }
            NetworkLinks.Up up = links.up();
            String brokerName = BrokerEndpoint.brokerName(connection);
            return new StatusReport(endpoint.url(), queue,
                    MirrorForwarding.placed(mirrors, processes, brokerName, up.brokers()), legacy, processes, unknown,
                    clock.instant(), BrokerEndpoint.answeredBy(connection, endpoint.url()), brokerName, up.brokers(),
                    up.unknownBecause());
        } finally {
            connection.close();
        }
    }

    private static StatusReport.Mirror mirror(Connection connection, String name, QueueStatus status,
                                              BrokerEndpoint endpoint) throws JMSException {
        return new StatusReport.Mirror(name,
                destination(connection, status.queue(), status.waiting(), status.consumers(), endpoint),
                destination(connection, WireFormat.deadLetterQueueOf(status.queue()), status.deadLettered(),
                        status.deadLetterConsumers(), endpoint));
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

    /** "user ferry-producer", or "an anonymous client". */
    static String who(BrokerEndpoint endpoint) {
        return endpoint.user() == null ? "an anonymous client" : "user " + endpoint.user();
    }
}
