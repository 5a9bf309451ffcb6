package dev.ferry.producer;

import dev.ferry.producer.repair.RepairResponder;
import dev.ferry.producer.watch.CloseWatch;
import dev.ferry.producer.watch.ClosedFiles;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ByteSize;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a source tree: compares it with what was published before and sends the
 * differences, once ({@link #publishOnce()}) or continuously ({@link #watch()}).
 *
 * <p>What was published is remembered in the state directory, and only after the broker has
 * committed it, so a restarted producer sends what changed while it was away, and at most
 * re-sends what was in flight when it stopped. Nothing is ever written into the source tree.
 *
 * <p>When the broker goes away, the producer waits for it, reconnecting with backoff, then
 * compares the whole tree with what was published: that re-sends what was not committed and
 * catches up with what changed meanwhile. Nothing is held in memory for the broker meanwhile but
 * the changed paths, which collapse to "compare everything" beyond a bound.
 *
 * <p>A watching producer also answers the repair requests of its stream's mirrors
 * ({@link RepairResponder}), from its first comparison on, in slices between the changes it
 * publishes, on the same thread.
 *
 * <p>{@link #publishOnce()} and {@link #watch()} run on the caller's thread, one at a time;
 * {@link #close()} may be called from any thread and stops them.
 */
public final class Producer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Producer.class);
    /** The longest a wait lasts before the loop looks around again. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** How long close() lets a running publish finish before closing under it. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** A tree that never quiets down is still compared this often (with at least 1 s between). */
    private static final int MAX_DELAY_IN_QUIET_PERIODS = 20;
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(10);
    /**
     * The most repair work done at a time between looks at live changes (past it, at most the rest
     * of one file body): a change waits that long at worst while a mirror is repaired.
     */
    static final Duration REPAIR_SLICE = Duration.ofMillis(250);
    private static final Executor WATCHER_THREAD = task -> {
        Thread thread = new Thread(task, "ferry-watcher");
        thread.setDaemon(true);
        thread.start();
    };

    private final ProducerSettings settings;
    private final ChangeSink sink;
    private final Clock clock;
    private final SourceIndex index;
    private final SourceTree tree;
    private final SourceIgnores ignores;
    private final Publisher publisher;
    private final RetrySchedule retries = new RetrySchedule();
    private final UnwatchedDirectories unwatched;
    /** Set by the watcher's thread when its events overflowed; the producer's thread then watches anew. */
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final Reconciler reconciler;
    private final DirtyPaths dirty;
    private final MirrorMarks marks;
    private final RepairResponder repairs;
    /** Whether repair requests are answered: by a watching producer, once its first comparison is done. */
    private volatile boolean answeringRepairs;
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object watcherLock = new Object();
    private DirectoryWatcher watcher; // Guarded by watcherLock.
    private CloseWatch closeWatch; // Guarded by watcherLock; runs while the watcher does.
    /** The files closed after writing, which need not wait for the quiet period: filled by the close watch. */
    private final ClosedFiles closedFiles = new ClosedFiles();
    /** Grows while the broker keeps failing, even right after reconnecting; reset once a comparison gets through. */
    private long reconnectDelayMillis = FIRST_RECONNECT_DELAY.toMillis();

    private Producer(ProducerSettings settings, ChangeSink sink, Clock clock, State state, MirrorMarks marks) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.marks = marks;
        this.index = state.index();
        sink.useStream(index.stream());
        this.tree = new SourceTree(settings.source(), settings.observer());
        this.ignores = state.ignores();
        this.publisher = new Publisher(sink, index, settings.batchMessages(), settings.batchBytes(),
                settings.observer(), clock);
        SequenceNumbers sequence = new SequenceNumbers(clock);
        StopCheck stop = this::checkNotStopped;
        FileBodySender bodies = new FileBodySender(tree, sequence, clock, settings.quietPeriod(), closedFiles,
                settings.chunkBytes(), stop, state.signatures());
        this.reconciler = new Reconciler(tree, index, ignores, publisher, bodies, sequence, retries, stop,
                settings.observer());
        Duration maxDelay = settings.quietPeriod().multipliedBy(MAX_DELAY_IN_QUIET_PERIODS);
        this.dirty = new DirtyPaths(settings.quietPeriod(), maxDelay.compareTo(MAX_WAIT) < 0 ? MAX_WAIT : maxDelay);
        this.unwatched = new UnwatchedDirectories(settings.source(), settings.rescanInterval());
        PublishedTree published = new PublishedTree(index, ignores, new SourceHasher(tree), stop, clock);
        this.repairs = new RepairResponder(settings.queue(), published,
                new MirrorRepairs(index, ignores, publisher, bodies, sequence), sink, sink, clock, marks::repaired);
        sink.onControlMessage(dirty::wake);
        log.info("publishing {} on topic {} as stream {} ({} entries published before, last message {}), keeping the "
                        + "queues of mirrors {}", settings.source(), WireFormat.changeTopicOf(settings.queue()),
                index.stream().id(), index.size(), index.stream().committed(), String.join(", ", settings.mirrors()));
        marks.all().forEach((mirror, mark) -> log.info("mirror '{}' needs a repair (dropped at {}, its backlog of {} "
                + "past {}){}", mirror, mark.droppedAt(), ByteSize.format(mark.backlogBytes()),
                ByteSize.format(mark.limitBytes()), settings.mirrors().contains(mirror)
                        ? ": its queue is made again only when its consumer returns" : ""));
    }

    /**
     * Opens a producer that publishes through {@code sink}, which it owns from now on (and closes
     * if opening fails).
     *
     * @throws IOException when the state directory cannot be used, or the source's ignore rules
     *                     cannot be read
     */
    public static Producer open(ProducerSettings settings, ChangeSink sink, Clock clock) throws IOException {
        State state;
        MirrorMarks marks;
        try {
            marks = MirrorMarks.load(settings.stateDir());
            state = State.load(settings);
        } catch (IOException | RuntimeException e) {
            closeQuietly(sink, "the sink");
            throw e;
        }
        return new Producer(settings, sink, clock, state, marks);
    }

    /**
     * Opens a producer that publishes on the broker at {@code endpoint}. The state is loaded while
     * the connection is made: replaying the index takes 0.6 s for 100,000 entries and the
     * handshake waits on the broker, so a restart pays only for the slower of the two. When the
     * state cannot be loaded, that is the error, at once, whatever becomes of the connection.
     *
     * @throws IOException  when the state directory cannot be used or the source's ignore rules
     *                      cannot be read, or when interrupted while connecting
     * @throws JMSException when the broker never answers or refuses the login or the queue; one that
     *                      answered and went away is waited for once publishing begins
     */
    public static Producer open(ProducerSettings settings, BrokerEndpoint endpoint) throws IOException, JMSException {
        // Before connecting: the connection makes the queues of the mirrors kept, but not of those marked.
        MirrorMarks marks = MirrorMarks.load(settings.stateDir());
        Connecting connecting = Connecting.start(endpoint, settings, marks);
        State state;
        try {
            state = State.load(settings);
        } catch (IOException | RuntimeException e) {
            connecting.abandon();
            throw e;
        }
        ChangeSink sink;
        try {
            sink = connecting.await();
        } catch (IOException | JMSException | RuntimeException e) {
            closeQuietly(state.index(), "the index");
            throw e;
        }
        return new Producer(settings, sink, Clock.systemUTC(), state, marks);
    }

    /** What a producer reads from its source and state directory before it can start. */
    private record State(SourceIgnores ignores, SourceIndex index, Signatures signatures) {
        static State load(ProducerSettings settings) throws IOException {
            SourceIgnores ignores = SourceIgnores.load(settings.source(), settings.ignore());
            SourceIndex index = SourceIndex.open(settings.stateDir());
            try {
                Signatures signatures = Signatures.in(settings.stateDir());
                // Those of versions replaced while the producer last ran (or left by a crash) go now.
                signatures.retainOnly(index.fileHashes(Signatures.MIN_FILE_BYTES));
                return new State(ignores, index, signatures);
            } catch (IOException | RuntimeException e) {
                index.close();
                throw e;
            }
        }
    }

    /**
     * A connection being made on a thread of its own. Whoever is last to let go of it closes it:
     * the caller when it gives up after the connection was made, the connecting thread when the
     * caller gave up before, so no connection (whose threads would keep the JVM alive) is left open.
     */
    private static final class Connecting {
        private ChangeSink sink; // The fields are guarded by this.
        private Throwable failure;
        private boolean done;
        private boolean abandoned;

        static Connecting start(BrokerEndpoint endpoint, ProducerSettings settings, MirrorMarks marks) {
            Connecting connecting = new Connecting();
            Thread thread = new Thread(() -> connecting.connect(endpoint, settings, marks), "ferry-connect");
            thread.setDaemon(true);
            thread.start();
            return connecting;
        }

        private void connect(BrokerEndpoint endpoint, ProducerSettings settings, MirrorMarks marks) {
            ChangeSink made = null;
            Throwable failed = null;
            try {
                // Bounded by the endpoint's own timeouts.
                made = JmsChangeSink.open(endpoint, settings.queue(), settings.mirrors(), marks, settings.seal());
            } catch (Throwable e) {
                failed = e;
            }
            boolean unwanted;
            synchronized (this) {
                sink = made;
                failure = failed;
                done = true;
                unwanted = abandoned;
                notifyAll();
            }
            if (unwanted && made != null) {
                closeQuietly(made, "the sink");
            }
        }

        /** The connection once it is made; giving up on it when interrupted. */
        ChangeSink await() throws JMSException, InterruptedIOException {
            synchronized (this) {
                while (!done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        abandoned = true;
                        Thread.currentThread().interrupt();
                        InterruptedIOException interrupted = new InterruptedIOException("interrupted while connecting to the broker");
                        interrupted.initCause(e);
                        throw interrupted;
                    }
                }
                if (failure != null) {
                    throw TaskFailure.rethrow(failure, JMSException.class);
                }
                return sink;
            }
        }

        /** Gives up on the connection: closes it if it is made, or has the connecting thread close it when it is. */
        void abandon() {
            ChangeSink made;
            synchronized (this) {
                abandoned = true;
                made = sink;
                sink = null;
            }
            if (made != null) {
                closeQuietly(made, "the sink");
            }
        }
    }

    /**
     * Compares the whole tree with what was published and publishes every difference, waiting
     * for files still being written until they settle, and for the broker if it goes away.
     *
     * @throws InterruptedException when {@link #close()} is called meanwhile, or the thread is interrupted
     */
    public PublishSummary publishOnce() throws IOException, InterruptedException {
        running.lockInterruptibly();
        try {
            ensureOpen();
            long started = System.nanoTime();
            Publisher.Totals before = publisher.totals();
            reconcile(List.of(Scope.WHOLE_TREE));
            while (!retries.isEmpty()) {
                reconcile(awaitWork());
            }
            Publisher.Totals after = publisher.totals();
            return new PublishSummary(after.events() - before.events(), after.files() - before.files(),
                    after.bytes() - before.bytes(), after.wireBytes() - before.wireBytes(),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            running.unlock();
        }
    }

    /**
     * Publishes the differences, then every change as it happens, until {@link #close()} is
     * called; then returns.
     *
     * @throws IOException          when the source can no longer be read or watched, or the broker
     *                              refuses the events (a lost broker is waited for instead)
     * @throws InterruptedException when the thread is interrupted
     */
    public void watch() throws IOException, InterruptedException {
        running.lockInterruptibly();
        try {
            ensureOpen();
            // Watching starts before the first comparison, so nothing changed during it is missed.
            startWatcher();
            log.info("watching {}", settings.source());
            reconcile(List.of(Scope.WHOLE_TREE));
            settings.observer().caughtUp();
            answeringRepairs = true; // Requests that waited are answered now, from an index that is current.
            synchronized (watcherLock) {
                if (closeWatch != null) {
                    closeWatch.activate();
                }
            }
            while (true) {
                reconcile(awaitWork());
            }
        } catch (InterruptedException e) {
            if (!closed.get()) {
                throw e;
            }
            log.info("stopped watching {}", settings.source());
        } finally {
            stopWatcher();
            running.unlock();
        }
    }

    /**
     * The mirrors this producer dropped and that need a repair: what its heartbeats announce, what
     * its mirror watch adds to, and what a repair's answer clears.
     */
    public MirrorMarks mirrorMarks() {
        return marks;
    }

    /** Stops {@link #watch()} or {@link #publishOnce()}, then releases the watcher, the sink and the index. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        dirty.stop();
        stopWatcher();
        boolean idle = false;
        try {
            idle = running.tryLock(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!idle) {
            log.warn("closing while publishing is still under way");
        }
        try {
            closeQuietly(sink, "the sink");
            closeQuietly(index, "the index");
        } finally {
            if (idle) {
                running.unlock();
            }
        }
    }

    /** Reconciles {@code scopes}, then whatever that turned up, until nothing is left. */
    private void reconcile(Collection<Scope> scopes) throws IOException, InterruptedException {
        Collection<Scope> next = ignores.reloadIfChanged() ? ignoreRulesChanged() : scopes;
        while (!next.isEmpty()) {
            try {
                next = reconciler.reconcile(next);
                reconnectDelayMillis = FIRST_RECONNECT_DELAY.toMillis();
            } catch (BrokerUnavailableException lost) {
                next = resumeAfter(lost);
            }
        }
    }

    /**
     * Waits until the broker is back, trying to reconnect with exponential backoff, and returns
     * what to compare then: the whole tree, since only the index knows what was committed.
     *
     * @throws InterruptedException when {@link #close()} is called meanwhile, or the thread is interrupted
     */
    private List<Scope> resumeAfter(BrokerUnavailableException lost) throws IOException, InterruptedException {
        log.warn("lost the broker {}: {}; waiting for it", lost.broker(), lost.reason());
        while (true) {
            if (closing.await(reconnectDelayMillis, TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("the producer is closing");
            }
            try {
                sink.reconnect();
                log.info("reconnected to {}", lost.broker());
                repairs.reset(); // What it was answering comes again on the new connection.
                return List.of(Scope.WHOLE_TREE);
            } catch (BrokerUnavailableException still) {
                log.debug("broker {} still unavailable: {}", still.broker(), still.reason());
            } finally {
                reconnectDelayMillis = Math.min(MAX_RECONNECT_DELAY.toMillis(), reconnectDelayMillis * 2);
            }
        }
    }

    /** Waits for the watcher's next batch or the next retry, whichever comes first, and returns what to compare. */
    private List<Scope> awaitWork() throws IOException, InterruptedException {
        while (true) {
            checkNotStopped();
            String ended = dirty.watchEndReason();
            if (ended != null) {
                throw new IOException("stopped watching " + settings.source() + ": " + ended);
            }
            try {
                sink.checkConnected(); // Waiting out a lost broker now spares the next change the wait.
                if (answeringRepairs) {
                    repairs.work(REPAIR_SLICE);
                }
            } catch (BrokerUnavailableException lost) {
                return resumeAfter(lost);
            }
            if (unwatched.limitRaised()) {
                return watchAgain();
            }
            Instant nextRetry = retries.next();
            Duration wait = nextRetry == null ? MAX_WAIT : Duration.between(clock.instant(), nextRetry);
            wait = wait.isNegative() || repairs.busy() ? Duration.ZERO : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
            DirtyPaths.Batch batch = dirty.await(wait);
            if (overflowed.getAndSet(false)) {
                // Directories made while events were dropped were never registered: only a new
                // watch of the whole tree watches them.
                log.info("the watcher of {} lost events (its event queue overflowed); watching anew and comparing "
                        + "the whole tree", settings.source());
                restartWatcher();
                return List.of(Scope.WHOLE_TREE);
            }
            Set<Scope> scopes = new LinkedHashSet<>(scopesOf(batch));
            retries.takeDue(clock.instant()).forEach(path -> scopes.add(Scope.entry(path)));
            List<Scope> rescans = unwatched.dueAt(clock.instant(), tree);
            if (!rescans.isEmpty() && !isWatching()) {
                // The watcher could not even start (no inotify instance left): try again now.
                restartWatcher();
                if (isWatching()) {
                    log.info("watching {} again", settings.source());
                    return List.of(Scope.WHOLE_TREE);
                }
            }
            scopes.addAll(rescans);
            if (!scopes.isEmpty()) {
                return new ArrayList<>(scopes);
            }
        }
    }

    /** A changed path means the entry itself and its directory's metadata. */
    private List<Scope> scopesOf(DirtyPaths.Batch batch) {
        if (batch.everything()) {
            log.info("events were lost; comparing the whole tree");
            return List.of(Scope.WHOLE_TREE);
        }
        List<Scope> scopes = new ArrayList<>();
        for (Path path : batch.paths()) {
            RelPath relative = tree.relativize(path);
            if (relative != null) {
                scopes.add(Scope.entry(relative));
                if (relative.parent() != null) {
                    scopes.add(Scope.entry(relative.parent()));
                }
            }
        }
        return scopes;
    }

    /**
     * The watch limit was raised since directories could not be watched: the watcher starts over,
     * which watches them now, and the whole tree is compared for what changed meanwhile.
     */
    private List<Scope> watchAgain() throws IOException, InterruptedException {
        int before = unwatched.count();
        restartWatcher();
        int after = unwatched.count();
        log.info("the inotify watch limit was raised: watching {} directories of {} that were not watched{}", before
                - Math.min(before, after), settings.source(), after == 0 ? "" : "; " + after + " still cannot be");
        return List.of(Scope.WHOLE_TREE);
    }

    /** How many directories of the source the watcher cannot watch, and are compared every rescan interval instead. */
    public int unwatchedDirectories() {
        return unwatched.count();
    }

    /**
     * The source's .ferryignore changed: a directory it ignored before is not watched yet, so a
     * running watcher starts over, and the whole tree is compared to publish what is no longer ignored.
     */
    private List<Scope> ignoreRulesChanged() throws IOException, InterruptedException {
        boolean watching;
        synchronized (watcherLock) {
            watching = watcher != null;
        }
        if (watching) {
            stopWatcher();
            startWatcher();
        }
        return List.of(Scope.WHOLE_TREE);
    }

    private void restartWatcher() throws IOException, InterruptedException {
        stopWatcher();
        startWatcher();
    }

    private boolean isWatching() {
        synchronized (watcherLock) {
            return watcher != null;
        }
    }

    private void startWatcher() throws IOException, InterruptedException {
        dirty.watchStarted();
        UnwatchedDirectories.Generation walks = unwatched.begin();
        // Started first, so that the watcher's walk, which makes the watches, watches for closes too.
        CloseWatch closes = answeringRepairs ? CloseWatch.start(settings.source(), closedFiles, dirty::addClosed)
                : CloseWatch.deferred(settings.source(), closedFiles, dirty::addClosed); // Till the first comparison ends.
        DirectoryWatcher started;
        try {
            started = DirectoryWatcher.builder().path(settings.source()).fileHashing(false)
                    .fileTreeVisitor(new IgnoringTreeVisitor(tree, ignores, walks, closes))
                    .listener(new ChangeListener()).build();
        } catch (IOException e) {
            closes.close();
            // No inotify instance left (fs.inotify.max_user_instances), say: nothing is watched, the
            // whole tree is compared every rescan interval instead, and watching is tried again then.
            walks.record(settings.source(), e);
            walks.walked(1, true);
            return;
        }
        synchronized (watcherLock) {
            if (closed.get()) {
                closeQuietly(started::close, "the watcher");
                closes.close();
                throw new InterruptedException("closed before watching began");
            }
            watcher = started;
            closeWatch = closes;
        }
        started.watchAsync(WATCHER_THREAD).whenComplete((ignored, failure) -> {
            synchronized (watcherLock) {
                if (watcher == started) { // Not stopped by us: the source went away, or the watcher broke.
                    dirty.watchEnded(failure == null ? "the watcher stopped" : "the watcher failed: " + failure);
                }
            }
        });
    }

    private void stopWatcher() {
        synchronized (watcherLock) {
            if (watcher != null) {
                closeQuietly(watcher::close, "the watcher");
                watcher = null;
            }
            if (closeWatch != null) {
                closeWatch.close();
                closeWatch = null;
            }
        }
    }

    private void checkNotStopped() throws InterruptedException {
        if (closed.get()) {
            throw new InterruptedException("the producer is closing");
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the producer of " + settings.source() + " is closed");
        }
    }

    private static void closeQuietly(AutoCloseable closeable, String what) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", what, e.toString());
        }
    }

    /** Runs on the watcher's thread: only records what changed and wakes the producer. */
    private final class ChangeListener implements DirectoryChangeListener {
        @Override
        public void onEvent(DirectoryChangeEvent event) {
            if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW) {
                overflowed();
            } else if (event.path() != null) {
                dirty.add(event.path());
            }
        }

        @Override
        public void onException(Exception e) {
            if (e instanceof NoSuchFileException) {
                log.debug("watching {}: {}", settings.source(), e.toString()); // Created and removed at once.
                return;
            }
            if (e instanceof ClosedWatchServiceException) {
                // A walk of a watcher stopped meanwhile (a restart): the watcher that replaced it walks anew.
                log.debug("watching {}: {}", settings.source(), e.toString());
                return;
            }
            if (isOverflow(e)) {
                overflowed();
                return;
            }
            log.warn("watching {} failed: {}; comparing the whole tree", settings.source(), e.toString());
            // The event that failed is lost; only a full comparison is sure to catch up.
            dirty.addEverything();
        }

        /** Once per key watched, when the events overflowed: the producer's thread takes it from here. */
        private void overflowed() {
            overflowed.set(true);
            dirty.addEverything();
        }

        /**
         * directory-watcher 0.19 passes an overflow of the event queue (inotify's IN_Q_OVERFLOW) to its
         * own bookkeeping with a null path, which throws this from its onEvent before the OVERFLOW
         * reaches ours (BlindSpotTest makes one).
         */
        private static boolean isOverflow(Exception e) {
            if (!(e instanceof NullPointerException)) {
                return false;
            }
            for (StackTraceElement frame : e.getStackTrace()) {
                if (frame.getClassName().equals(DirectoryWatcher.class.getName())
                        && frame.getMethodName().equals("onEvent")) {
                    return true;
                }
            }
            return false;
        }
    }
}
