package dev.ferry.monitor;

import dev.ferry.wire.ChangeEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The latest change a producer published or a consumer applied.
 *
 * @param kind      its kind ({@link EventKind})
 * @param path      the path it changed
 * @param seq       its sequence number
 * @param createdAt when the producer made it ({@link EventTimes})
 * @param doneAt    when it was committed: published to the broker, or applied to the replica
 */
public record LastEvent(String kind, String path, long seq, Instant createdAt, Instant doneAt) {

    static LastEvent of(ChangeEvent event, Instant doneAt) {
        return new LastEvent(EventKind.of(event), event.path().text(), event.seq(), EventTimes.createdAt(event), doneAt);
    }

    /** How long after it was made it was done: for a consumer, how far behind the source it applied. */
    public Duration behind() {
        Duration behind = Duration.between(createdAt, doneAt);
        return behind.isNegative() ? Duration.ZERO : behind;
    }
}
