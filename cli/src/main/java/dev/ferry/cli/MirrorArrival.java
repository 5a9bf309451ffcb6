package dev.ferry.cli;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.StreamStatus;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.consumer.MirrorClaim;
import dev.ferry.wire.BrokerEndpoint;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker held for a consumer's mirror just before the consumer attached: whether the
 * mirror's queue existed, and what waited for it. The broker copies a change only to the mirror
 * queues that exist when it is published, so a mirror whose queue is new receives what is
 * published from now on, and a destination that was applied to before (see {@link MirrorClaim})
 * and finds its queue gone has missed what was published meanwhile.
 *
 * <p>This is where a late join or a repair would start: today it only says so, once, in the log.
 */
final class MirrorArrival {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MirrorArrival.class);

    private final StreamStatus before; // Null when the broker did not say.

    private MirrorArrival(StreamStatus before) {
        this.before = before;
    }

    /** Asks the broker about the stream {@code queue}; a broker that does not say leaves everything unknown. */
    static MirrorArrival look(BrokerEndpoint endpoint, String queue) {
        try {
            return new MirrorArrival(QueueStatistics.stream(endpoint, queue, STATISTICS_TIMEOUT));
        } catch (Exception e) {
            LOG.debug("cannot tell what waits for the mirrors of {}: {}", queue, e.toString());
            return new MirrorArrival(null);
        }
    }

    /** Whether {@code mirror} had no queue on the broker; false when unknown. */
    boolean queueWasNew(String mirror) {
        return before != null && !before.exists(mirror);
    }

    /** The messages that waited for {@code mirror}, the total a drain's progress counts against; -1 when unknown. */
    long waiting(String mirror) {
        return before == null ? -1 : before.waitingFor(mirror);
    }

    /** Says, once, what a new queue means for the destination the consumer opened as {@code claim}. */
    void report(ConsumerSettings settings, MirrorClaim claim, BrokerEndpoint endpoint) {
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
