package dev.ferry.monitor;

import dev.ferry.consumer.CommittedBatch;
import dev.ferry.consumer.ConsumerObserver;
import dev.ferry.wire.ChangeEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a consumer applied since it started, and knows how far behind the source it is:
 * what progress, summaries, heartbeats and the lag metric report. Written by the consumer's
 * thread, read from any.
 *
 * <p>Lag is the age of the change applied last while the consumer still has messages to apply,
 * and zero once it found the queue empty: a consumer that is idle because nothing changed is not
 * behind, however old the last change is.
 */
public final class ConsumerTally implements ConsumerObserver {

    /**
     * The counts at one moment.
     *
     * @param messages     messages taken off the queue
     * @param events       changes applied
     * @param files        file bodies applied
     * @param bytes        bytes of the file bodies applied
     * @param wireBytes    message body bytes received, as they traveled (compressed where they were)
     * @param deadLettered messages moved to the dead-letter queue
     * @param last         the change applied last, or {@code null}
     * @param lag          how far behind the source the replica is now (see the type's documentation)
     */
    public record Snapshot(long messages, long events, long files, long bytes, long deadLettered, LastEvent last,
                           Duration lag, long wireBytes) {
    }

    private final Clock clock;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong wireBytes = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private volatile LastEvent last;
    private volatile boolean idle;

    public ConsumerTally(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void committed(CommittedBatch batch) {
        for (ChangeEvent event : batch.applied()) {
            if (event instanceof ChangeEvent.FileVersion file) {
                files.incrementAndGet();
                bytes.addAndGet(file.size());
            }
        }
        messages.addAndGet(batch.messages());
        wireBytes.addAndGet(batch.wireBytes());
        events.addAndGet(batch.applied().size());
        deadLettered.addAndGet(batch.deadLettered().size());
        if (!batch.applied().isEmpty()) {
            last = LastEvent.of(batch.applied().get(batch.applied().size() - 1), batch.committedAt());
        }
        idle = false;
        transactions.incrementAndGet();
    }

    @Override
    public void idle() {
        if (!idle) {
            idle = true;
            transactions.incrementAndGet();
        }
    }

    /** How far behind the source the replica is now; see the type's documentation. */
    public Duration lag() {
        LastEvent applied = last;
        if (idle || applied == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(applied.createdAt(), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    public Snapshot snapshot() {
        return new Snapshot(messages.get(), events.get(), files.get(), bytes.get(), deadLettered.get(), last, lag(),
                wireBytes.get());
    }

    /** Grows with every change of the counts: a heartbeat is due when it moved. */
    public long version() {
        return transactions.get();
    }
}
