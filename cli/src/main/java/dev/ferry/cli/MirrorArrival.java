package dev.ferry.cli;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.StreamStatus;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.consumer.FirstContact;
import dev.ferry.consumer.MirrorClaim;
import dev.ferry.consumer.MirrorState;
import dev.ferry.monitor.HeartbeatReader;
import dev.ferry.monitor.MirrorDrops;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ByteSize;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker held for a consumer's mirror just before the consumer subscribed: whether the
 * mirror's queue existed, and what waited for it. The broker copies a change only to the mirror
 * queues that exist when it is published, so a mirror whose queue is new receives what is
 * published from now on, and a destination that was applied to before (see {@link MirrorClaim})
 * and finds its queue gone has missed what was published meanwhile.
 *
 * <p>It also learns whether a producer dropped the mirror (its backlog passed the limit while
 * nobody consumed it): from the producers' heartbeats, which the broker keeps for a new subscriber
 * and which announce a drop until the mirror's repair is answered. That reading takes up to a few
 * seconds, so it goes on beside the consumer's start, on a thread of its own, and ends in the
 * {@link #mirrorState()} the consumer exposes ({@link dev.ferry.consumer.Consumer#needsRepair()}).
 *
 * <p>It looks on the consumer's own first connection ({@link FirstContact}), so the broker going
 * away meanwhile is waited for as during any connecting. What it finds makes the consumer ask
 * for a repair: a known destination whose queue was lost, or a mirror a producer dropped.
 */
final class MirrorArrival implements FirstContact {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than reading the heartbeats can take (at most 3 s, once the first has come within 1 s). */
    static final Duration LEARNING = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MirrorArrival.class);

    private final BrokerEndpoint endpoint;
    private final String queue;
    private final String mirror;
    private final Path destination;
    private final MirrorState state = new MirrorState();
    private final AtomicBoolean dropSaid = new AtomicBoolean();
    private volatile StreamStatus before; // Null while (or when) the broker did not say.

    MirrorArrival(BrokerEndpoint endpoint, ConsumerSettings settings) {
        this.endpoint = endpoint;
        this.queue = settings.queue();
        this.mirror = settings.mirror();
        this.destination = settings.destination();
    }

    @Override
    public void look(Connection connection) throws JMSException {
        try {
            before = QueueStatistics.stream(connection, endpoint.url(), queue, STATISTICS_TIMEOUT);
        } catch (IOException | JMSSecurityException unknown) {
            // No statistics plugin, or a user who may not ask: nothing to say, nothing lost.
            LOG.debug("cannot tell what waits for the mirrors of {}: {}", queue, unknown.toString());
        } catch (JMSException lost) {
            state.unknowable("the broker went away at the first look: " + lost);
            throw lost;
        }
        Thread learning = new Thread(() -> learn(connection), "ferry-mirror-state");
        learning.setDaemon(true);
        learning.start();
    }

    @Override
    public MirrorState mirrorState() {
        return state;
    }

    /** Reads the producers' latest heartbeats on the consumer's connection; says a drop once. */
    private void learn(Connection connection) {
        try {
            state.learnt(MirrorDrops.of(HeartbeatReader.latest(connection, queue), mirror));
        } catch (JMSException | RuntimeException e) {
            LOG.debug("cannot tell whether a producer dropped mirror '{}': {}", mirror, e.toString());
            state.unknowable(e.toString());
            return;
        }
        state.latestDrop().ifPresent(this::sayDropped);
    }

    private void sayDropped(MirrorState.Drop drop) {
        if (dropSaid.compareAndSet(false, true)) {
            LOG.warn("mirror '{}' was dropped at {} after its backlog passed {}; it needs a repair, which it asks for "
                            + "once its queue is idle (producer {} removed its queue: what was published until it "
                            + "returned reaches {} only so)", mirror, drop.droppedAt(),
                    ByteSize.format(drop.limitBytes()), drop.producer(), destination);
        }
    }

    /** Waits, at most {@link #LEARNING}, until it is known whether a producer dropped the mirror. */
    void awaitMirrorState() throws InterruptedException {
        state.awaitKnown(LEARNING);
    }

    /** Whether {@code mirror} had no queue on the broker; false when unknown. */
    boolean queueWasNew(String mirror) {
        StreamStatus seen = before;
        return seen != null && !seen.queueExists(mirror);
    }

    /** The messages that waited for {@code mirror}, the total a drain's progress counts against; -1 when unknown. */
    long waiting(String mirror) {
        StreamStatus seen = before;
        return seen == null ? -1 : seen.waitingFor(mirror);
    }

    /**
     * Says, once, what a new queue means for the destination the consumer opened as {@code claim}:
     * for a destination applied to before, that it was dropped, or else that its queue was lost.
     *
     * @return whether the destination, applied to before, lost its queue without a producer
     *         saying it dropped it: what was published meanwhile never comes, and a repair must
     *         bring it (a dropped mirror asks for one by itself)
     */
    boolean report(ConsumerSettings settings, MirrorClaim claim) throws InterruptedException {
        if (!queueWasNew(settings.mirror())) {
            return false;
        }
        if (claim.origin() != MirrorClaim.Origin.KNOWN) {
            LOG.info("mirror '{}' has a queue on broker {} from now on ({}): it receives every change published from "
                    + "now on", settings.mirror(), endpoint, settings.mirrorQueue());
            return false;
        }
        awaitMirrorState(); // A dropped mirror's queue is gone too: say which it was.
        if (state.needsRepair()) {
            return false;
        }
        LOG.warn("the queue of mirror '{}' ({}) was not on broker {}: what was published while it was missing "
                        + "never reaches {} but by a repair, which it asks for once its queue is idle",
                settings.mirror(), settings.mirrorQueue(), endpoint, settings.destination());
        return true;
    }
}
