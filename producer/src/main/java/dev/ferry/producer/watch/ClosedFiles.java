package dev.ferry.producer.watch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files whose writer said it was done: each with the modification time and size it had just
 * after it was closed after writing, as long as no later event says it was written, replaced or removed. A file
 * found with that time still has nothing more coming from that writer, so it can be read at once
 * instead of after the quiet period (issue 21).
 *
 * <p>The modification time is what makes this safe to consult late: a file written again
 * (through {@code mmap}, say, which inotify does not report) or given another time has a time other
 * than the one recorded, and waits for the quiet period as any file does. {@link CloseWatch} fills it
 * on its thread; the producer consults it on its own. Bounded: the oldest records go first, and a
 * file whose record went waits for the quiet period.
 */
public final class ClosedFiles {

    /** More than the files of any burst the producer compares before their quiet period is over anyway. */
    static final int MAX_FILES = 16_384;

    /** The version of a file its writer closed: two writes within one tick of a coarse clock differ in size, mostly. */
    private record Version(long mtimeNanos, long size) {
    }

    private final Map<Path, Version> closed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Version> eldest) {
            return size() > MAX_FILES;
        }
    };

    /** A writer closed {@code file}, which then had {@code mtimeNanos} and {@code size}. */
    public synchronized void closed(Path file, long mtimeNanos, long size) {
        closed.remove(file); // Re-inserted last, so that eviction takes the oldest close first.
        closed.put(file, new Version(mtimeNanos, size));
    }

    /** {@code file} was written, created, replaced or removed: whatever its writer said before is void. */
    public synchronized void changed(Path file) {
        closed.remove(file);
    }

    /** {@code from} was renamed to {@code to}: a closed file stays closed under its new name. */
    public synchronized void moved(Path from, Path to) {
        Version version = closed.remove(from);
        closed.remove(to);
        if (version != null) {
            closed.put(to, version);
        }
    }

    /** {@code directory} was renamed or moved away: what was recorded below it names files no longer there. */
    public synchronized void forgetBelow(Path directory) {
        closed.keySet().removeIf(file -> file.startsWith(directory));
    }

    /** Events were lost, or nobody watched for a while: no record can be trusted. */
    public synchronized void forgetAll() {
        closed.clear();
    }

    /** Whether the file at {@code file} was closed after writing with {@code mtimeNanos} and {@code size}, and not touched since. */
    public synchronized boolean closedAt(Path file, long mtimeNanos, long size) {
        return new Version(mtimeNanos, size).equals(closed.get(file));
    }

    synchronized int size() {
        return closed.size();
    }
}
