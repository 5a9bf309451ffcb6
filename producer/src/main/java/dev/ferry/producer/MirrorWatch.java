package dev.ferry.producer;

import dev.ferry.wire.ByteSize;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a mirror that stays away from stalling the others: every {@link #INTERVAL} it looks at the
 * stream's mirror queues (one round of statistics queries), and drops a mirror that had no consumer
 * at two looks in a row and whose backlog passed the limit ({@link MirrorBudget}): it marks the
 * mirror as needing a repair ({@link MirrorMarks}), then removes its queue, so the broker copies
 * nothing more to it and frees what it held in the store.
 *
 * <p>Two looks, not one, so that a consumer between two connections is not taken for gone. A
 * consumer that attaches after the look makes the broker refuse the removal, and the mirror is kept
 * (and its mark taken back); one that attaches after the removal makes the queue again, empty.
 *
 * <p>It runs on a thread and a connection of its own ({@link MirrorQueueAccess}), so it never slows
 * publishing; a broker that is away is skipped until it is back. With two producers on one stream,
 * each watches and may drop: the first removal wins, the other finds the queue gone, and each keeps
 * and announces its own mark.
 */
public final class MirrorWatch implements AutoCloseable {

    /** How often the mirror queues are looked at. */
    public static final Duration INTERVAL = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(MirrorWatch.class);

    private final MirrorQueueAccess access;
    private final MirrorMarks marks;
    private final MirrorBudget budget;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    // Only touched on the watch's thread.
    private Set<String> awayAtLastLook = Set.of();
    private long limitSaid = -1;
    private int queuesWarnedAbout;
    private boolean cannotLookSaid;

    MirrorWatch(MirrorQueueAccess access, MirrorMarks marks, MirrorBudget budget, Clock clock) {
        this.access = access;
        this.marks = marks;
        this.budget = budget;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "ferry-mirror-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching through {@code access}, which the watch owns from now on; the first look is at once. */
    public static MirrorWatch start(MirrorQueueAccess access, MirrorMarks marks, MirrorBudget budget, Clock clock) {
        MirrorWatch watch = new MirrorWatch(access, marks, budget, clock);
        watch.thread.scheduleWithFixedDelay(watch::round, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** One look, and the drops it calls for. */
    void round() {
        List<MirrorBacklog> queues;
        try {
            queues = access.look();
        } catch (Exception e) {
            cannotLook(e);
            return;
        }
        if (cannotLookSaid) {
            log.info("watching the backlogs of the mirrors on broker {} again", access.broker());
            cannotLookSaid = false;
        }
        long limit = limitFor(queues.size());
        Set<String> away = new HashSet<>();
        for (MirrorBacklog queue : queues) {
            if (queue.consumers() > 0 || queue.bytes() <= limit) {
                continue;
            }
            if (!awayAtLastLook.contains(queue.mirror()) || !drop(queue, limit)) {
                away.add(queue.mirror());
            }
        }
        awayAtLastLook = away;
    }

    /** The limit for {@code queues} mirror queues, saying so when it changes, and warning of what the broker cannot hold. */
    private long limitFor(int queues) {
        long limit = budget.limitFor(queues);
        if (limit != limitSaid) {
            log.info("a mirror without a consumer is dropped once its backlog passes {} ({} mirror queues{})",
                    ByteSize.format(limit), queues, budget.explicit() ? ", --mirror-backlog-limit"
                            : limit < budget.limitBytes() ? ", 6 GiB of the broker's store shared among them" : "");
            limitSaid = limit;
        }
        if (queues > queuesWarnedAbout) {
            for (String warning : new String[] {budget.storeWarning(queues), budget.memoryWarning(queues)}) {
                if (warning != null) {
                    log.warn(warning);
                }
            }
            queuesWarnedAbout = queues;
        }
        return limit;
    }

    /** Marks {@code queue}'s mirror, then removes its queue; whether it was dropped. */
    private boolean drop(MirrorBacklog queue, long limit) {
        MirrorMark mark = new MirrorMark(clock.instant(), queue.bytes(), limit);
        MirrorMark before;
        try {
            before = marks.mark(queue.mirror(), mark);
        } catch (IOException e) {
            log.warn("mirror '{}' is not dropped: {}", queue.mirror(), e.getMessage());
            return false;
        }
        boolean dropped;
        try {
            dropped = access.drop(queue.mirror());
        } catch (Exception e) {
            unmark(queue.mirror(), before);
            if (e instanceof JMSSecurityException) {
                log.warn("cannot drop mirror '{}', whose backlog of {} passed {}: broker {} refuses to remove queue {} "
                                + "({}); the producers of broker-config/ may", queue.mirror(),
                        ByteSize.format(queue.bytes()), ByteSize.format(limit), access.broker(), queue.queue(),
                        e.getMessage());
            } else {
                log.debug("dropping mirror '{}' failed: {}", queue.mirror(), e.toString());
            }
            return false;
        }
        if (!dropped) {
            unmark(queue.mirror(), before);
            log.info("mirror '{}' is kept: its consumer came back as it was about to be dropped", queue.mirror());
            return false;
        }
        log.warn("dropped mirror '{}' (queue {}): no consumer, and its backlog of {} ({} messages) passed the limit "
                        + "of {}; it needs a repair, and its queue is made again only when its consumer returns",
                queue.mirror(), queue.queue(), ByteSize.format(queue.bytes()), queue.waiting(), ByteSize.format(limit));
        return true;
    }

    private void unmark(String mirror, MirrorMark before) {
        try {
            marks.restore(mirror, before);
        } catch (IOException e) {
            log.warn("mirror '{}' was not dropped, but is still marked as needing a repair: {}", mirror,
                    e.getMessage());
        }
    }

    private void cannotLook(Exception e) {
        if (e instanceof JMSSecurityException || e instanceof IOException) {
            if (!cannotLookSaid) {
                log.warn("cannot watch the backlogs of the mirrors on broker {}: {}; a mirror that stays away is not "
                        + "dropped meanwhile", access.broker(), e.getMessage());
                cannotLookSaid = true;
            }
        } else {
            log.debug("no look at the mirrors' backlogs on broker {}: {}", access.broker(), e.toString());
        }
    }

    /** Stops watching and closes the access; waits a moment for a look under way. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            access.close();
        }
    }
}
