package dev.ferry.cli;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.StreamStatus;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.consumer.FirstContact;
import dev.ferry.consumer.MirrorClaim;
import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker held for a consumer's mirror just before the consumer subscribed: whether the
 * mirror's queue existed, and what waited for it. The broker copies a change only to the mirror
 * queues that exist when it is published, so a mirror whose queue is new receives what is
 * published from now on, and a destination that was applied to before (see {@link MirrorClaim})
 * and finds its queue gone has missed what was published meanwhile.
 *
 * <p>It looks on the consumer's own first connection ({@link FirstContact}), so the broker going
 * away meanwhile is waited for as during any connecting. This is where a late join or a repair
 * would start: today it only says so, once, in the log.
 */
final class MirrorArrival implements FirstContact {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MirrorArrival.class);

    private final BrokerEndpoint endpoint;
    private final String queue;
    private volatile StreamStatus before; // Null while (or when) the broker did not say.

    MirrorArrival(BrokerEndpoint endpoint, String queue) {
        this.endpoint = endpoint;
        this.queue = queue;
    }

    @Override
    public void look(Connection connection) throws JMSException {
        try {
            before = QueueStatistics.stream(connection, endpoint.url(), queue, STATISTICS_TIMEOUT);
        } catch (IOException | JMSSecurityException unknown) {
            // No statistics plugin, or a user who may not ask: nothing to say, nothing lost.
            LOG.debug("cannot tell what waits for the mirrors of {}: {}", queue, unknown.toString());
        }
    }

    /** Whether {@code mirror} had no queue on the broker; false when unknown. */
    boolean queueWasNew(String mirror) {
        StreamStatus seen = before;
        return seen != null && !seen.exists(mirror);
    }

    /** The messages that waited for {@code mirror}, the total a drain's progress counts against; -1 when unknown. */
    long waiting(String mirror) {
        StreamStatus seen = before;
        return seen == null ? -1 : seen.waitingFor(mirror);
    }

    /** Says, once, what a new queue means for the destination the consumer opened as {@code claim}. */
    void report(ConsumerSettings settings, MirrorClaim claim) {
        if (!queueWasNew(settings.mirror())) {
            return;
        }
        if (claim.origin() == MirrorClaim.Origin.KNOWN) {
            LOG.warn("the queue of mirror '{}' ({}) was not on broker {}: what was published while it was missing "
                            + "never reaches {}; 'ferry verify' compares it with its source", settings.mirror(),
                    settings.mirrorQueue(), endpoint, settings.destination());
        } else {
            LOG.info("mirror '{}' has a queue on broker {} from now on ({}): it receives every change published from "
                    + "now on", settings.mirror(), endpoint, settings.mirrorQueue());
        }
    }
}
