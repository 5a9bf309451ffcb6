package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.FileVersion;
import dev.ferry.wire.ChangeLog;
import dev.ferry.wire.RepairMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events through the {@link ChangeSink} in transactions of bounded size and age (a
 * transactional batch), and makes the {@link SourceIndex} durable right after each broker commit,
 * never before: a crash in between only means the events of that batch are sent again.
 *
 * <p>The age bound keeps the consumer busy: it sees nothing of a transaction until it commits, so
 * a transaction that grew for seconds would leave it idle that long at the start of a sync, and
 * with that much left to do after the producer's last commit.
 *
 * <p>When the transaction is lost (a failed commit, or a send that lost the broker), the index
 * returns to its last commit, so it never claims what the broker does not hold.
 */
final class Publisher implements EventRoute {

    /**
     * What the broker committed so far on the stream's topic.
     *
     * @param bytes     file body bytes
     * @param wireBytes message body bytes as they traveled, compressed where they were
     */
    record Totals(long events, long files, long bytes, long wireBytes) {
    }

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);
    /** The longest a transaction stays open while events keep coming; a commit costs a few ms. */
    static final Duration MAX_BATCH_AGE = Duration.ofMillis(250);

    private final ChangeSink sink;
    private final SourceIndex index;
    private final int batchMessages;
    private final long batchBytes;
    private final ProducerObserver observer;
    private final Clock clock;

    private Instant batchStarted;
    private int pendingMessages;
    private long pendingBytes;
    /** What of {@link #pendingMessages} and {@link #pendingBytes} repairs sent to mirrors' queues: not published. */
    private int pendingRepairMessages;
    private long pendingRepairBytes;
    private long pendingEvents;
    private long pendingFiles;
    private final List<ChangeEvent> pendingChanges = new ArrayList<>();
    /** The changes sent to mirrors' queues by repairs, each with its mirror: logged once committed. */
    private final List<Map.Entry<String, ChangeEvent>> pendingRepairs = new ArrayList<>();
    private Totals totals = new Totals(0, 0, 0, 0);
    /** The sink's {@link ChangeSink#wireBytes()} when the last transaction ended: what came since is pending. */
    private long wireMark;

    Publisher(ChangeSink sink, SourceIndex index, int batchMessages, long batchBytes, ProducerObserver observer,
              Clock clock) {
        this.sink = sink;
        this.index = index;
        this.batchMessages = batchMessages;
        this.batchBytes = batchBytes;
        this.observer = observer;
        this.clock = clock;
        this.wireMark = sink.wireBytes();
    }

    /** Sends {@code event} on the stream's topic in the current transaction; the change counts once it commits. */
    @Override
    public void send(ChangeEvent event, byte[] body, int length) throws IOException {
        try {
            sink.send(event, body, length);
        } catch (BrokerUnavailableException e) {
            rollback(); // The transaction went with the connection.
            throw e;
        }
        log.debug("sent {}", event);
        counted(length);
        if (ChangeLog.isChange(event)) {
            pendingEvents++;
            pendingChanges.add(event);
        }
        if (event instanceof FileVersion) {
            pendingFiles++;
        }
    }

    /**
     * The route to {@code mirror}'s queue, in the same transaction: what a repair sends there is
     * neither published on the stream nor counted as published, only logged once committed.
     */
    EventRoute toMirror(String mirror) {
        return new EventRoute() {
            @Override
            public void send(ChangeEvent event, byte[] body, int length) throws IOException {
                sendToMirror(mirror, () -> sink.sendToMirror(mirror, event, body, length));
                counted(length);
                pendingRepairMessages++;
                pendingRepairBytes += length;
                if (ChangeLog.isChange(event)) {
                    pendingRepairs.add(Map.entry(mirror, event));
                }
            }

            @Override
            public void commitIfBatchFull() throws IOException {
                Publisher.this.commitIfBatchFull();
            }
        };
    }

    /** Sends {@code message} to {@code mirror}'s queue in the current transaction. */
    void send(String mirror, RepairMessage message) throws IOException {
        sendToMirror(mirror, () -> sink.sendToMirror(mirror, message));
        counted(0);
        pendingRepairMessages++;
    }

    /** A send to a mirror's queue. */
    private interface MirrorSend {
        void run() throws IOException;
    }

    private void sendToMirror(String mirror, MirrorSend send) throws IOException {
        try {
            send.run();
        } catch (BrokerUnavailableException e) {
            rollback();
            throw e;
        }
    }

    private void counted(int bodyBytes) {
        if (pendingMessages == 0) {
            batchStarted = clock.instant();
        }
        pendingMessages++;
        pendingBytes += bodyBytes;
    }

    /** Commits when the transaction has reached its size or age; call once the index is updated for what was sent. */
    @Override
    public void commitIfBatchFull() throws IOException {
        if (pendingMessages >= batchMessages || pendingBytes >= batchBytes
                || (pendingMessages > 0 && !clock.instant().isBefore(batchStarted.plus(MAX_BATCH_AGE)))) {
            commit();
        }
    }

    /** Commits the broker transaction, then the index; if the broker refuses, the index returns to its last commit. */
    void commit() throws IOException {
        if (pendingMessages > 0) {
            try {
                index.prepareCommit();
                sink.commit();
            } catch (IOException | RuntimeException e) {
                rollback();
                throw e;
            }
        }
        index.commit();
        long wireBytes = sink.wireBytes() - wireMark;
        wireMark += wireBytes;
        totals = new Totals(totals.events() + pendingEvents, totals.files() + pendingFiles,
                totals.bytes() + pendingBytes - pendingRepairBytes, totals.wireBytes() + wireBytes);
        pendingChanges.forEach(change -> ChangeLog.published(log, change));
        pendingRepairs.forEach(repair -> log.info("{} for the repair of mirror {}", ChangeLog.line("sent",
                repair.getValue()), repair.getKey()));
        if (pendingMessages > pendingRepairMessages) {
            observer.committed(List.copyOf(pendingChanges), pendingBytes - pendingRepairBytes, wireBytes);
        }
        forgetPending();
    }

    Totals totals() {
        return totals;
    }

    private void rollback() throws IOException {
        forgetPending();
        wireMark = sink.wireBytes(); // What was sent went with the transaction.
        index.rollback();
    }

    private void forgetPending() {
        pendingMessages = 0;
        pendingBytes = 0;
        pendingRepairMessages = 0;
        pendingRepairBytes = 0;
        pendingEvents = 0;
        pendingFiles = 0;
        pendingChanges.clear();
        pendingRepairs.clear();
    }
}
