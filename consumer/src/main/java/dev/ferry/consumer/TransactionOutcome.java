package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the open transaction applied and dead-lettered so far, until it commits or is given up. */
final class TransactionOutcome {

    private final List<ChangeEvent> applied = new ArrayList<>();
    private final List<CommittedBatch.DeadLettered> deadLettered = new ArrayList<>();

    /** Starts a new transaction: whatever the last one noted is forgotten. */
    void begin() {
        applied.clear();
        deadLettered.clear();
    }

    void applied(ChangeEvent event) {
        applied.add(event);
    }

    void deadLettered(ChangeEvent event, String reason) {
        deadLettered.add(new CommittedBatch.DeadLettered(event, reason));
    }

    CommittedBatch committed(int messages, long wireBytes, Instant at) {
        return new CommittedBatch(messages, wireBytes, applied, deadLettered, at);
    }
}
