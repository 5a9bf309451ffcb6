package dev.ferry.monitor;

import dev.ferry.broker.QueueRemoval;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.broker.StreamStatus;
import dev.ferry.producer.MirrorBacklog;
import dev.ferry.producer.MirrorQueueAccess;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The mirror queues of a stream on a real broker, for the producer's {@link
 * dev.ferry.producer.MirrorWatch}: one round of statistics queries ({@link QueueStatistics#stream})
 * to look, ActiveMQ's "remove destination" ({@link QueueRemoval}) to drop. On a connection of its
 * own, made when first needed and made again after the broker went away.
 */
public final class BrokerMirrorQueues implements MirrorQueueAccess {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);
    /** What the broker says when a consumer is attached to a queue it is asked to remove. */
    private static final String SUBSCRIBED = "still has an active subscription";

    private final BrokerEndpoint endpoint;
    private final String queue;
    private Connection connection; // Only touched on the watch's thread.

    public BrokerMirrorQueues(BrokerEndpoint endpoint, String queue) {
        this.endpoint = endpoint;
        this.queue = queue;
    }

    @Override
    public List<MirrorBacklog> look() throws JMSException, IOException {
        StreamStatus stream;
        try {
            stream = QueueStatistics.stream(connected(), endpoint.url(), queue, STATISTICS_TIMEOUT);
        } catch (JMSException e) {
            disconnect();
            throw e;
        }
        List<MirrorBacklog> backlogs = new ArrayList<>();
        for (String mirror : stream.mirrors().keySet()) {
            QueueStatus status = stream.mirror(mirror);
            if (status.present()) {
                backlogs.add(new MirrorBacklog(mirror, status.queue(), status.waiting(), status.waitingBytes(),
                        status.consumers()));
            }
        }
        return backlogs;
    }

    @Override
    public boolean drop(String mirror) throws JMSException {
        try {
            QueueRemoval.remove(connected(), WireFormat.mirrorQueueOf(mirror, queue), false);
            return true;
        } catch (JMSException e) {
            if (String.valueOf(e.getMessage()).contains(SUBSCRIBED)) {
                return false;
            }
            disconnect();
            throw e;
        }
    }

    @Override
    public String broker() {
        return endpoint.toString();
    }

    @Override
    public void close() {
        disconnect();
    }

    private Connection connected() throws JMSException {
        if (connection == null) {
            connection = endpoint.connect("mirror-watch", 1);
        }
        return connection;
    }

    private void disconnect() {
        Connection open = connection;
        connection = null;
        if (open != null) {
            try {
                open.close();
            } catch (JMSException | RuntimeException ignored) {
                // Dropped because it failed; closing it may fail too.
            }
        }
    }
}
