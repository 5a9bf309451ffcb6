package dev.ferry.cli;

import dev.ferry.cli.systemd.ServiceNotifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the long-running parts of a command (broker, consumer, producer) going until Ctrl-C, then
 * closes them newest first, each within a bound. A part whose work ends or fails on its own stops
 * everything, and its failure becomes the command's.
 */
final class Supervisor implements AutoCloseable {

    /** The work of a part, run on its own thread until the part is closed. */
    interface Work {
        void run() throws Exception;
    }

    private record Part(String name, AutoCloseable closeable, Thread worker) {
    }

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final List<Part> parts = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopping;

    /** Starts {@code work} on its own thread; {@code part} is closed when everything stops. */
    void supervise(String name, AutoCloseable part, Work work) {
        Thread worker = new Thread(() -> runWork(name, work), "ferry-" + name);
        worker.setDaemon(true);
        parts.add(new Part(name, part, worker));
        worker.start();
    }

    /**
     * Closes {@code part}, which has no work of its own (a heartbeat, a summary to print), when
     * everything stops: after the parts supervised after it, before those supervised before it.
     */
    void closeOnStop(String name, AutoCloseable part) {
        parts.add(new Part(name, part, null));
    }

    /**
     * Blocks until SIGINT or SIGTERM, or until a part's work ends; then closes every part.
     *
     * @throws Exception the failure of the part that ended first, if it ended on its own
     */
    void runUntilStopped() throws Exception {
        Thread hook = new Thread(this::stopOnSignal, "ferry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopRequested.await();
        close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running and ends the process.
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** Closes every part, newest first; each gets a bounded time to close and to finish its work. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        ServiceNotifier.ofThisProcess().stopping(); // Under systemd: a stop of its own is not a crash.
        for (int i = parts.size() - 1; i >= 0; i--) {
            closeBounded(parts.get(i));
        }
        closed.countDown();
    }

    private void runWork(String name, Work work) {
        try {
            work.run();
            if (!stopping) {
                failure.compareAndSet(null, new IllegalStateException(name + " stopped unexpectedly"));
            }
        } catch (Exception | Error e) {
            if (!stopping) {
                failure.compareAndSet(null, e instanceof Exception ex ? ex : new IllegalStateException(
                        name + " failed: " + e, e));
            } else {
                LOG.debug("{} ended while stopping: {}", name, e.toString());
            }
        } finally {
            stopRequested.countDown();
        }
    }

    /**
     * The shutdown hook. The main thread does the closing; the hook waits for it and then ends the
     * process itself with status 0, since a JVM stopped by a signal otherwise exits with 130 or 143
     * although stopping on Ctrl-C is the normal end of a long-running command.
     */
    private void stopOnSignal() {
        LOG.info("stopping");
        stopRequested.countDown();
        boolean done;
        try {
            done = closed.await(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            System.err.println("ferry: did not stop within " + SHUTDOWN_TIMEOUT.toSeconds() + " s; exiting anyway");
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(done && failure.get() == null ? 0 : ErrorReporter.FAILURE);
    }

    private static void closeBounded(Part part) {
        Thread closer = new Thread(() -> {
            try {
                part.closeable().close();
            } catch (Exception e) {
                LOG.warn("closing the {} failed: {}", part.name(), ErrorReporter.describe(e));
            }
        }, "ferry-close-" + part.name());
        closer.setDaemon(true);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        closer.start();
        try {
            closer.join(CLOSE_TIMEOUT.toMillis());
            // The next part (the broker, last) must not go away under work still finishing.
            if (part.worker() != null) {
                part.worker().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive() || (part.worker() != null && part.worker().isAlive())) {
            LOG.warn("the {} did not stop within {} s; going on without it", part.name(), CLOSE_TIMEOUT.toSeconds());
        }
    }
}
