package dev.ferry.monitor;

import dev.ferry.producer.ProducerObserver;
import dev.ferry.wire.ChangeEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a producer published since it started, and what it found to publish: what progress,
 * summaries and heartbeats report. Written by the producer's thread, read from any.
 */
public final class ProducerTally implements ProducerObserver {

    /**
     * The counts at one moment.
     *
     * @param events      changes published (a file body counts once, whatever its chunks)
     * @param files       file bodies published
     * @param bytes       file body bytes published
     * @param wireBytes   what they took through the broker: message body bytes, compressed where
     *                    they were
     * @param filesToSend file bodies the comparisons found to publish, in all (an upper bound)
     * @param bytesToSend their bytes
     * @param caughtUp    whether the first comparison of a watching producer is done
     * @param last        the change published last, or {@code null}
     * @param unnameable  entries not published because their names are not valid in the file
     *                    name encoding (see {@link ProducerObserver#unnameable})
     */
    public record Snapshot(long events, long files, long bytes, long wireBytes, long filesToSend, long bytesToSend,
                           boolean caughtUp, LastEvent last, long unnameable) {
    }

    private final Clock clock;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong wireBytes = new AtomicLong();
    private final AtomicLong filesToSend = new AtomicLong();
    private final AtomicLong bytesToSend = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong unnameable = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile LastEvent last;

    public ProducerTally(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void differencesFound(long fileCount, long byteCount) {
        filesToSend.addAndGet(fileCount);
        bytesToSend.addAndGet(byteCount);
    }

    @Override
    public void committed(List<ChangeEvent> changes, long bodyBytes, long bodyWireBytes) {
        Instant now = clock.instant();
        for (ChangeEvent change : changes) {
            if (change instanceof ChangeEvent.FileVersion) {
                files.incrementAndGet();
            }
        }
        events.addAndGet(changes.size());
        bytes.addAndGet(bodyBytes);
        wireBytes.addAndGet(bodyWireBytes);
        if (!changes.isEmpty()) {
            last = LastEvent.of(changes.get(changes.size() - 1), now);
        }
        transactions.incrementAndGet();
    }

    @Override
    public void caughtUp() {
        caughtUp = true;
        transactions.incrementAndGet();
    }

    @Override
    public void unnameable(String rawPath) {
        unnameable.incrementAndGet();
        transactions.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(events.get(), files.get(), bytes.get(), wireBytes.get(), filesToSend.get(), bytesToSend.get(), caughtUp,
                last, unnameable.get());
    }

    /** Grows with every change of the counts: a heartbeat is due when it moved. */
    public long version() {
        return transactions.get();
    }
}
