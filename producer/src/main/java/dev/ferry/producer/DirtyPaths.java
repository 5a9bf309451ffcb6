package dev.ferry.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The hand-over from the watcher's thread to the producer's: the paths reported changed since
 * the last batch, released as a batch once the watcher has been silent for a moment.
 *
 * <p>The moment ({@link #SETTLE}, or the quiet period if shorter) is long enough for the events of
 * one operation to arrive together (the delete and the create of a rename, which must be compared
 * in one pass to be recognised as a rename), and short, because it is on the path of every change
 * to the mirror. Whether a file has been left alone long enough to be read is not decided here
 * but by the file's own modification time (see {@link FileBodySender}), so a file still being
 * written is simply looked at again later. A tree that never falls silent is still compared every
 * {@code maxDelay}. Beyond {@link #MAX_PATHS} paths the batch degrades to "compare everything",
 * which bounds memory.
 *
 * <p>A batch whose last report is a writer's close ({@link #addClosed}) goes after
 * {@link #CLOSE_SETTLE} instead (issue 21: bench scenario 4's median latency went from 20.4 to
 * 12.0 ms, runs of 3 alternated twice). The price: a file written under a temporary name and renamed
 * at once may be sent under the first name before the rename follows as one.
 */
final class DirtyPaths {

    /** A batch of changes: the paths, or everything when events were lost. */
    record Batch(List<Path> paths, boolean everything) {
        static final Batch NONE = new Batch(List.of(), false);
    }

    static final int MAX_PATHS = 100_000;

    /**
     * How long the watcher must be silent before a batch is released. It was the whole quiet
     * period (50 ms): a tree written every 20 ms was then only compared every {@code maxDelay}
     * (1 s), and bench scenario 4 measured a change-to-mirror latency of 1.1 s at the median.
     */
    static final Duration SETTLE = Duration.ofMillis(10);
    /**
     * How long after a writer's close ({@link #addClosed}) when nothing came since: a close is the
     * end of a write, and no half of a rename.
     */
    static final Duration CLOSE_SETTLE = Duration.ofMillis(2);

    private final LongSupplier nanoTime;
    private final long settleNanos;
    private final long closeSettleNanos;
    private boolean lastWasClose;
    /** The paths of this batch whose writer closed them: the watcher's own events of their writes come late. */
    private Set<Path> closedPaths = new HashSet<>();
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Set<Path> paths = new LinkedHashSet<>();
    private boolean everything;
    private long firstNanos;
    private long lastNanos;
    private boolean stopped;
    private boolean woken;
    private String watcherEnded;

    DirtyPaths(Duration quietPeriod, Duration maxDelay) {
        this(quietPeriod, maxDelay, System::nanoTime);
    }

    /** {@code nanoTime} tells the time (tests set it). */
    DirtyPaths(Duration quietPeriod, Duration maxDelay, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.settleNanos = Math.min(quietPeriod.toNanos(), SETTLE.toNanos());
        this.closeSettleNanos = Math.min(settleNanos, CLOSE_SETTLE.toNanos());
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /** Called by the watcher: {@code path} changed. */
    void add(Path path) {
        add(path, false);
    }

    /** Called by the close watch: {@code path}'s writer closed it. */
    void addClosed(Path path) {
        add(path, true);
    }

    private void add(Path path, boolean closed) {
        lock.lock();
        try {
            touch();
            // The directory watcher's report of a write often comes after the close watch's report of
            // the close (another inotify instance, another thread): it is no new change.
            lastWasClose = closed || (lastWasClose && closedPaths.contains(path));
            if (closed && !everything && closedPaths.size() < MAX_PATHS) {
                closedPaths.add(path);
            }
            if (!everything) {
                paths.add(path);
                if (paths.size() > MAX_PATHS) {
                    everything = true;
                    paths = new LinkedHashSet<>();
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the watcher: events were lost, so the whole tree must be compared. */
    void addEverything() {
        lock.lock();
        try {
            touch();
            lastWasClose = false;
            everything = true;
            paths = new LinkedHashSet<>();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A new watch begins: forgets how the last one ended. */
    void watchStarted() {
        lock.lock();
        try {
            watcherEnded = null;
        } finally {
            lock.unlock();
        }
    }

    /** Called when the watcher stops on its own: the producer must not go on as if it were watching. */
    void watchEnded(String reason) {
        lock.lock();
        try {
            watcherEnded = reason;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Why the watcher stopped, or {@code null} while it runs. */
    String watchEndReason() {
        lock.lock();
        try {
            return watcherEnded;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the current or next wait without a batch: there is other work (a repair request came),
     * and the producer looks at it before it waits again.
     */
    void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes whoever waits, now and for good: the producer is closing. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits at most {@code timeout} for a batch whose last change is {@link #SETTLE} old, and
     * takes it; returns {@link Batch#NONE} when there is none by then, or when stopped.
     */
    Batch await(Duration timeout) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        lock.lock();
        try {
            while (!stopped && watcherEnded == null) {
                if (woken) {
                    woken = false;
                    break;
                }
                long now = nanoTime.getAsLong();
                long wait = deadline - now;
                if (everything || !paths.isEmpty()) {
                    long readyAt = Math.min(lastNanos + (lastWasClose ? closeSettleNanos : settleNanos),
                            firstNanos + maxDelayNanos);
                    if (now - readyAt >= 0) {
                        return take();
                    }
                    wait = Math.min(wait, readyAt - now);
                }
                if (wait <= 0) {
                    break;
                }
                changed.awaitNanos(wait);
            }
            return Batch.NONE;
        } finally {
            lock.unlock();
        }
    }

    private Batch take() {
        Batch batch = new Batch(List.copyOf(paths), everything);
        paths = new LinkedHashSet<>();
        closedPaths = new HashSet<>();
        everything = false;
        return batch;
    }

    private void touch() {
        long now = nanoTime.getAsLong();
        if (!everything && paths.isEmpty()) {
            firstNanos = now;
        }
        lastNanos = now;
    }
}
