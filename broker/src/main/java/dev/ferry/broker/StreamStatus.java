package dev.ferry.broker;

import dev.ferry.wire.WireFormat;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the broker says about one stream at one moment: the queue and dead-letter queue of each of
 * its mirrors that exists, and the queue of before mirrors (the stream's own name), which mirror
 * {@link WireFormat#DEFAULT_MIRROR} reads too.
 *
 * @param queue   the stream
 * @param mirrors each mirror whose queue or dead-letter queue exists, by name, in name order; each
 *                status names the mirror's queue
 * @param legacy  the queue of before mirrors and its dead-letter queue
 */
public record StreamStatus(String queue, SortedMap<String, QueueStatus> mirrors, QueueStatus legacy) {

    public StreamStatus {
        mirrors = Collections.unmodifiableSortedMap(new TreeMap<>(mirrors));
    }

    /** The status of {@code mirror}'s queue; all zero, and not {@link QueueStatus#present()}, when it does not exist. */
    public QueueStatus mirror(String mirror) {
        return mirrors.getOrDefault(mirror, QueueStatus.absent(WireFormat.mirrorQueueOf(mirror, queue)));
    }

    /** Whether {@code mirror}'s queue, or its dead-letter queue, exists on the broker. */
    public boolean exists(String mirror) {
        return mirrors.containsKey(mirror);
    }

    /** Whether {@code mirror}'s queue itself exists on the broker: a dropped or removed mirror's does not. */
    public boolean queueExists(String mirror) {
        return mirror(mirror).present();
    }

    /**
     * What {@code mirror}'s consumer has yet to take: its queue and, for mirror
     * {@link WireFormat#DEFAULT_MIRROR}, the queue of before mirrors.
     */
    public long waitingFor(String mirror) {
        long own = mirror(mirror).waiting();
        return WireFormat.DEFAULT_MIRROR.equals(mirror) ? own + legacy.waiting() : own;
    }
}
