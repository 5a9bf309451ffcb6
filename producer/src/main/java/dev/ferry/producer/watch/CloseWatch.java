package dev.ferry.producer.watch;

import static dev.ferry.producer.watch.Inotify.IN_CLOSE_NOWRITE;
import static dev.ferry.producer.watch.Inotify.IN_CLOSE_WRITE;
import static dev.ferry.producer.watch.Inotify.IN_CREATE;
import static dev.ferry.producer.watch.Inotify.IN_DELETE;
import static dev.ferry.producer.watch.Inotify.IN_DONT_FOLLOW;
import static dev.ferry.producer.watch.Inotify.IN_EXCL_UNLINK;
import static dev.ferry.producer.watch.Inotify.IN_IGNORED;
import static dev.ferry.producer.watch.Inotify.IN_ISDIR;
import static dev.ferry.producer.watch.Inotify.IN_MODIFY;
import static dev.ferry.producer.watch.Inotify.IN_MOVED_FROM;
import static dev.ferry.producer.watch.Inotify.IN_MOVED_TO;
import static dev.ferry.producer.watch.Inotify.IN_ONLYDIR;
import static dev.ferry.producer.watch.Inotify.IN_OPEN;
import static dev.ferry.producer.watch.Inotify.IN_Q_OVERFLOW;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the source's directories for files closed after writing, on a thread of its own, and
 * records them in {@link ClosedFiles} (issue 21): the producer's directory watcher (Java's
 * {@code WatchService}) reports that a file changed, not that its writer is done.
 *
 * <p>Best effort, and never in the way. Its directories are those the directory watcher's walks
 * come across ({@link #watch}). Its inotify instance is made at the first of them, once the directory
 * watcher has its own, and its watches count against the same per-user limit, so it gives them all up
 * the moment either runs short ({@link #yieldWatches}): a directory watched for changes matters, one
 * watched for closes only saves the quiet period. Off, lost events or stopped, it forgets every
 * record, and files are read once left alone for the quiet period, as before.
 *
 * <p>A close is believed only when every open of the file it saw was closed: a writer that keeps the
 * file open while another appends and closes is still writing. It counts opens and closes per file
 * (its own producer's reads among them); one it did not see open (opened before the directory was
 * watched) is not believed. What it cannot see is a writer still holding the file whose open it did
 * not count: one that opened it before the watch began or before events were lost (IN_Q_OVERFLOW),
 * one whose count was pushed out by {@code MAX_OPEN_FILES} others, or one that opened it while
 * another open of it was the last event the thread had not read yet (the kernel merges identical
 * events in a row into one). That one's file may be read at another writer's close, and is sent again
 * at its own next write, as with a writer that pauses longer than the quiet period.
 *
 * <p>A record is made from the file's modification time and size read just after the close event
 * arrives. A second writer that writes between the close and that read makes it record a version
 * that is not the first writer's last; its write's own event voids the record a moment later
 * (microseconds). If the file is read in that moment, the read-then-check still catches a writer
 * that goes on, and the version sent is replaced by the next.
 */
public final class CloseWatch implements AutoCloseable {

    /** Told, on the watch's thread, that {@code file} was closed after writing and recorded so. */
    public interface Listener {
        void closed(Path file);
    }

    private static final Logger log = LoggerFactory.getLogger(CloseWatch.class);
    /** Besides the close: the opens and closes that tell whether others hold the file, and every event that can make a record untrue. */
    private static final int EVENTS = IN_CLOSE_WRITE | IN_OPEN | IN_CLOSE_NOWRITE | IN_MODIFY | IN_MOVED_FROM
            | IN_MOVED_TO | IN_CREATE | IN_DELETE;
    private static final int MASK = EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
    /** A wait is ended by {@link Inotify#wake} when closing; longer than {@link #STOP_WAIT}, so a test sees a missed wake. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** Renames whose second half has not come yet: a few, as the halves come together. */
    private static final int MAX_PENDING_MOVES = 64;
    /** Files open now, as far as the events tell; one forgotten beyond this is not believed at its close. */
    private static final int MAX_OPEN_FILES = 16_384;

    private final Path source;
    private final ClosedFiles closes;
    private final Listener listener;
    private final Map<Integer, Path> directories = new ConcurrentHashMap<>();
    /** Held while watches are added or given up, and while a batch of events is recorded. */
    private final Object lock = new Object();
    private Inotify inotify; // Guarded by lock; made at the first watch.
    private Thread thread; // Guarded by lock; started with the instance.
    private boolean watching; // Guarded by lock.
    /** Whether directories are watched as they are given, or kept for {@link #activate}; guarded by lock. */
    private boolean active;
    private final Set<Path> deferred = new LinkedHashSet<>(); // Guarded by lock.
    private volatile boolean stopping;

    private CloseWatch(Path source, ClosedFiles closes, Listener listener, boolean on, boolean active) {
        this.source = source;
        this.closes = closes;
        this.listener = listener;
        this.watching = on;
        this.active = active;
    }

    /**
     * A watch for closes under {@code source}, which watches the directories {@link #watch} is given,
     * from the first on.
     */
    public static CloseWatch start(Path source, ClosedFiles closes, Listener listener) {
        closes.forgetAll(); // What happened while nobody watched is unknown.
        return new CloseWatch(source, closes, listener, true, true);
    }

    /**
     * A watch for closes under {@code source} that keeps the directories {@link #watch} is given and
     * watches them from {@link #activate} on. For a producer's first comparison, which reads every
     * new file once: each read is an open and a close to count, about 8 us of this watch's thread
     * per file, and nothing a file read then needs (a file closed meanwhile waits the quiet period).
     */
    public static CloseWatch deferred(Path source, ClosedFiles closes, Listener listener) {
        closes.forgetAll();
        return new CloseWatch(source, closes, listener, true, false);
    }

    /** A watch that watches nothing: every file waits for the quiet period. */
    public static CloseWatch off(Path source) {
        return new CloseWatch(source, new ClosedFiles(), file -> { }, false, false);
    }

    /** Watches the directories kept so far, and each given from now on; see {@link #deferred}. */
    public void activate() {
        synchronized (lock) {
            if (active) {
                return;
            }
            active = true;
            List<Path> kept = List.copyOf(deferred);
            deferred.clear();
            for (Path directory : kept) {
                watch(directory); // May give up at the watch limit, which ends the rest.
            }
            if (watching) {
                log.info("watching {} for files closed after writing: each is read at once", source);
            }
        }
    }

    /** Watches {@code directory} for closes too; called by the directory watcher's walks for each one they come across. */
    public void watch(Path directory) {
        synchronized (lock) {
            if (!watching) {
                return;
            }
            if (!active) {
                deferred.add(directory);
                return;
            }
            if (inotify == null && !begin()) {
                return;
            }
            try {
                directories.put(inotify.watch(directory, MASK), directory);
            } catch (Inotify.WatchLimitException e) {
                stopWatching("the inotify watch limit is reached, and watching for changes comes first");
            } catch (IOException e) {
                // Gone since the walk listed it, or unreadable: the directory watcher says what it makes of it.
                log.debug("not watching {} for closes: {}", directory, e.getMessage());
            }
        }
    }

    /**
     * Gives up every watch, so that the directory watcher, short of watches, can have them; returns
     * whether there were any to give.
     */
    public boolean yieldWatches() {
        synchronized (lock) {
            if (!watching) {
                return false;
            }
            // Off for good even when it holds none yet (deferred): the limit leaves none to take later.
            boolean held = !directories.isEmpty();
            stopWatching("the directory watcher needs its inotify watches");
            return held;
        }
    }

    /** Whether closes are watched (for tests and the log). */
    public boolean isWatching() {
        synchronized (lock) {
            return watching;
        }
    }

    /** Whether its thread runs. */
    boolean isRunning() {
        synchronized (lock) {
            return thread != null && thread.isAlive();
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            stopping = true;
            watching = false; // No instance is made after this.
            running = thread;
            if (running == null) {
                return;
            }
            inotify.wake(); // The thread closes the instance on its way out, never before this.
        }
        try {
            running.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            log.warn("the close watch of {} did not stop within {} s", source, STOP_WAIT.toSeconds());
        }
    }

    /**
     * Makes the instance and starts the thread that reads it, holding the lock; false, and off for
     * good, when Linux's inotify cannot be had (another system, no instance left), which it says.
     */
    private boolean begin() {
        try {
            inotify = Inotify.open();
        } catch (IOException e) {
            watching = false;
            log.info("not watching {} for files closed after writing ({}): each file is read once left alone for "
                    + "the quiet period", source, e.getMessage());
            return false;
        }
        Inotify reading = inotify;
        thread = new Thread(() -> run(reading), "ferry-close-watch");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    private void stopWatching(String why) {
        watching = false;
        deferred.clear();
        if (inotify != null) {
            directories.keySet().forEach(inotify::unwatch);
        }
        directories.clear();
        closes.forgetAll();
        log.info("no longer watching {} for files closed after writing ({}): each file is read once left alone for "
                + "the quiet period", source, why);
    }

    private void run(Inotify inotify) {
        Map<Integer, Path> moves = bounded(MAX_PENDING_MOVES);
        Map<Path, Integer> opens = bounded(MAX_OPEN_FILES);
        try {
            while (!stopping) {
                var events = inotify.await(WAIT);
                synchronized (lock) {
                    if (!watching) {
                        continue; // Drained and dropped: whatever they say, nothing is recorded any more.
                    }
                    for (Inotify.Event event : events) {
                        handle(event, moves, opens);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("watching {} for files closed after writing failed: {}; each file is read once left alone for "
                    + "the quiet period", source, e.toString());
        } finally {
            synchronized (lock) {
                watching = false;
                closes.forgetAll();
                inotify.close();
            }
        }
    }

    private static <K, V> Map<K, V> bounded(int most) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > most;
            }
        };
    }

    private void handle(Inotify.Event event, Map<Integer, Path> moves, Map<Path, Integer> opens) {
        if (event.is(IN_Q_OVERFLOW)) {
            closes.forgetAll(); // A write may be among what was lost.
            moves.clear();
            opens.clear(); // Every close to come is of an open not seen: none is believed.
            return;
        }
        if (event.is(IN_IGNORED)) {
            directories.remove(event.wd());
            return;
        }
        Path directory = directories.get(event.wd());
        if (directory == null || event.name() == null) {
            // A watch given up meanwhile, an event about the directory itself, or a name no path can
            // hold: the producer skips such a file anyway, and no record can be of it.
            return;
        }
        Path file = directory.resolve(event.name());
        if (event.is(IN_MOVED_FROM)) {
            if (event.is(IN_ISDIR)) {
                movedAway(file, opens);
            }
            moves.put(event.cookie(), file);
        } else if (event.is(IN_MOVED_TO)) {
            Path from = moves.remove(event.cookie());
            opens.remove(file); // Whatever stood at this name is gone.
            if (from != null) {
                closes.moved(from, file);
                Integer open = opens.remove(from); // Its writers close it under its new name.
                if (open != null) {
                    opens.put(file, open);
                }
            } else {
                closes.changed(file); // Moved in from outside the tree: nothing is known of its writer.
            }
        } else if (event.is(IN_ISDIR)) {
            return; // A directory opened or closed (listed): no file's content.
        } else if (event.is(IN_OPEN)) {
            opens.merge(file, 1, Integer::sum);
        } else if (event.is(IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) {
            // Still held by another, or an open not seen (the count falls below zero): not believed.
            boolean lastOpen = stillOpen(opens, file) == 0;
            if (event.is(IN_CLOSE_WRITE)) {
                if (lastOpen) {
                    closed(file);
                } else {
                    closes.changed(file);
                }
            }
        } else {
            if (event.is(IN_DELETE)) {
                opens.remove(file); // Its closes, if any, are not reported (IN_EXCL_UNLINK).
            }
            closes.changed(file);
        }
    }

    /** One open of {@code file} closed: how many the events say are left, or -1 when more closed than were seen open. */
    private static int stillOpen(Map<Path, Integer> opens, Path file) {
        Integer open = opens.remove(file);
        if (open == null || open <= 0) {
            return -1;
        }
        if (open > 1) {
            opens.put(file, open - 1);
        }
        return open - 1;
    }

    /**
     * A watched directory was renamed, or moved out of the tree: the watches of it and below go on, and
     * their events would name the files by the old path, which a new directory may take (a close out
     * there recorded for a file still being written here). They are dropped until the walk watches the
     * directories under their new names (the same descriptors); what was recorded below is forgotten.
     */
    private void movedAway(Path directory, Map<Path, Integer> opens) {
        List<Integer> stale = directories.entrySet().stream().filter(entry -> entry.getValue().startsWith(directory))
                .map(Map.Entry::getKey).toList();
        // Unwatched too, or a directory moved out of the tree would hold its watch until it is deleted.
        stale.forEach(wd -> {
            directories.remove(wd);
            inotify.unwatch(wd);
        });
        closes.forgetBelow(directory);
        opens.keySet().removeIf(file -> file.startsWith(directory));
    }

    private void closed(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            closes.changed(file);
            return;
        }
        if (!attributes.isRegularFile()) {
            closes.changed(file);
            return;
        }
        closes.closed(file, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size());
        listener.closed(file);
    }
}
