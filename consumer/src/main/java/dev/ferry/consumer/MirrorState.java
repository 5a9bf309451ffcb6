package dev.ferry.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the producers say of a consumer's mirror: whether one dropped it because its backlog passed
 * the limit while nobody consumed it, so that it missed what was published since and needs a
 * repair. It is learnt once, at the consumer's start, from the producers' heartbeats (which keep
 * announcing a drop until the mirror's repair is answered), and read by whoever decides to ask for
 * a repair.
 *
 * <p>Written once by the thread that learns it, read from any.
 */
public final class MirrorState {

    /**
     * One producer's drop of the mirror.
     *
     * @param producer     the producer's id ({@code host:pid})
     * @param droppedAt    when it removed the mirror's queue
     * @param backlogBytes about how many bytes waited on the queue then
     * @param limitBytes   the backlog limit the queue passed
     */
    public record Drop(String producer, Instant droppedAt, long backlogBytes, long limitBytes) {
    }

    private final CountDownLatch known = new CountDownLatch(1);
    private volatile List<Drop> drops = List.of();
    private volatile String unknownBecause;

    /** A state still to be learnt. */
    public MirrorState() {
    }

    /** The state of a consumer that asks nobody: nothing said, known at once. */
    public static MirrorState nothingSaid() {
        MirrorState state = new MirrorState();
        state.learnt(List.of());
        return state;
    }

    /** What the producers said: the drops of the mirror they announce, none when it needs no repair. */
    public void learnt(List<Drop> announced) {
        drops = List.copyOf(announced);
        known.countDown();
    }

    /** Nothing could be learnt, for {@code reason}: the mirror is taken as not needing a repair. */
    public void unknowable(String reason) {
        unknownBecause = reason;
        known.countDown();
    }

    /** Whether a producer dropped the mirror and has not had its repair answered; false while unknown. */
    public boolean needsRepair() {
        return !drops.isEmpty();
    }

    /** The latest drop announced, if any. */
    public Optional<Drop> latestDrop() {
        return drops.stream().max(Comparator.comparing(Drop::droppedAt));
    }

    /** Every drop announced, one per producer that dropped the mirror. */
    public List<Drop> drops() {
        return drops;
    }

    /** Why nothing could be learnt, or null. */
    public String unknownBecause() {
        return unknownBecause;
    }

    /** Waits at most {@code timeout} until the state is learnt (or found unknowable); whether it is. */
    public boolean awaitKnown(Duration timeout) throws InterruptedException {
        return known.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
