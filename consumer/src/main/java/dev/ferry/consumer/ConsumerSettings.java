package dev.ferry.consumer;

import dev.ferry.consumer.repair.RepairPolicy;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.Seal;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a consumer applies: where, which mirror of which stream, and how many messages make one JMS
 * transaction.
 *
 * @param destination  the replica root; created if missing
 * @param queue        the stream to apply, named by its queue name ({@code --queue})
 * @param mirror       the mirror the destination is ({@link WireFormat#mirrorQueueOf}); validated here
 * @param batchMessages at most this many messages per transaction
 * @param batchBytes   at most about this many body bytes per transaction
 * @param observer     who is told what the consumer does (metrics, heartbeats, progress)
 * @param repair       when the consumer asks for a repair beyond the times it must, and how long it waits
 * @param seal         which messages it applies ({@code --trust-producer}, {@code --encrypt-key}) and
 *                     how its repair requests travel
 */
public record ConsumerSettings(Path destination, String queue, String mirror, int batchMessages, long batchBytes,
                               ConsumerObserver observer, RepairPolicy repair, Seal seal) {

    public ConsumerSettings {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(repair, "repair");
        Objects.requireNonNull(seal, "seal");
        if (queue.isBlank()) {
            throw new IllegalArgumentException("queue name is empty");
        }
        WireFormat.checkMirrorName(mirror);
        if (batchMessages < 1) {
            throw new IllegalArgumentException("batchMessages must be at least 1, got " + batchMessages);
        }
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batchBytes must be at least 1, got " + batchBytes);
        }
        destination = destination.toAbsolutePath().normalize();
    }

    /** Settings of mirror {@link WireFormat#DEFAULT_MIRROR} that nobody observes. */
    public ConsumerSettings(Path destination, String queue, int batchMessages, long batchBytes) {
        this(destination, queue, WireFormat.DEFAULT_MIRROR, batchMessages, batchBytes, ConsumerObserver.NONE,
                RepairPolicy.DEFAULT, Seal.none(queue));
    }

    /** The same settings, observed by {@code observer}. */
    public ConsumerSettings withObserver(ConsumerObserver observer) {
        return new ConsumerSettings(destination, queue, mirror, batchMessages, batchBytes, observer, repair, seal);
    }

    /** The same settings for mirror {@code name}. */
    public ConsumerSettings withMirror(String name) {
        return new ConsumerSettings(destination, queue, name, batchMessages, batchBytes, observer, repair, seal);
    }

    /** The same settings, asking for repairs as {@code policy} says. */
    public ConsumerSettings withRepair(RepairPolicy policy) {
        return new ConsumerSettings(destination, queue, mirror, batchMessages, batchBytes, observer, policy, seal);
    }

    /** The same settings, taking and sending messages as {@code how} seals them. */
    public ConsumerSettings withSeal(Seal how) {
        return new ConsumerSettings(destination, queue, mirror, batchMessages, batchBytes, observer, repair, how);
    }

    /** The queue this consumer reads: its mirror's. */
    public String mirrorQueue() {
        return WireFormat.mirrorQueueOf(mirror, queue);
    }

    /** Settings of mirror {@link WireFormat#DEFAULT_MIRROR} with transactions of 256 messages or 16 MiB. */
    public static ConsumerSettings defaults(Path destination, String queue) {
        return new ConsumerSettings(destination, queue == null ? WireFormat.DEFAULT_QUEUE : queue, 256,
                16L * 1024 * 1024);
    }
}
