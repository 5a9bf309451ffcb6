package dev.ferry.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-over from the watcher's thread to the producer's: the paths reported changed since
 * the last batch, released as a batch once the tree has been quiet for the quiet period.
 *
 * <p>A burst of changes is collected into one batch so that a file written in many steps is
 * compared once. A tree that never quiets down is still compared every {@code maxDelay}. Beyond
 * {@link #MAX_PATHS} paths the batch degrades to "compare everything", which bounds memory.
 */
final class DirtyPaths {

    /** A batch of changes: the paths, or everything when events were lost. */
    record Batch(List<Path> paths, boolean everything) {
        static final Batch NONE = new Batch(List.of(), false);
    }

    static final int MAX_PATHS = 100_000;

    private final long quietNanos;
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Set<Path> paths = new LinkedHashSet<>();
    private boolean everything;
    private long firstNanos;
    private long lastNanos;
    private boolean stopped;
    private String watcherEnded;

    DirtyPaths(Duration quietPeriod, Duration maxDelay) {
        this.quietNanos = quietPeriod.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /** Called by the watcher: {@code path} changed. */
    void add(Path path) {
        lock.lock();
        try {
            touch();
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
     * Waits at most {@code timeout} for a batch whose last change is a quiet period old, and
     * takes it; returns {@link Batch#NONE} when there is none by then, or when stopped.
     */
    Batch await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!stopped && watcherEnded == null) {
                long now = System.nanoTime();
                long wait = deadline - now;
                if (everything || !paths.isEmpty()) {
                    long readyAt = Math.min(lastNanos + quietNanos, firstNanos + maxDelayNanos);
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
        everything = false;
        return batch;
    }

    private void touch() {
        long now = System.nanoTime();
        if (!everything && paths.isEmpty()) {
            firstNanos = now;
        }
        lastNanos = now;
    }
}
