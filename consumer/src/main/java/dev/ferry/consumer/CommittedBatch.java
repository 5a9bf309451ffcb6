package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import java.time.Instant;
import java.util.List;

/**
 * What one committed consumer transaction did, as told to a {@link ConsumerObserver}.
 *
 * @param messages     messages taken off the queue
 * @param wireBytes    message body bytes those messages carried, as they traveled (compressed
 *                     where they were)
 * @param applied      the events that changed the replica, in order (not duplicates, stale events,
 *                     chunks or bodies a later event in the batch replaced)
 * @param deadLettered the messages moved to the dead-letter queue
 * @param committedAt  when the transaction committed
 */
public record CommittedBatch(int messages, long wireBytes, List<ChangeEvent> applied,
                             List<DeadLettered> deadLettered, Instant committedAt) {

    public CommittedBatch {
        applied = List.copyOf(applied);
        deadLettered = List.copyOf(deadLettered);
    }

    /**
     * A message given up on.
     *
     * @param event  the event it carried, or {@code null} when it carried none that could be read
     * @param reason why it cannot be applied
     */
    public record DeadLettered(ChangeEvent event, String reason) {
    }
}
