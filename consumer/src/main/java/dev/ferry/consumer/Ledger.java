package dev.ferry.consumer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The idempotent-consumer record: for each path, the sequence number of the last event applied
 * there, so a duplicate or stale event is recognised and changes nothing.
 *
 * <p>An event that replaced a whole subtree (a delete, or either side of a rename) also makes
 * every older event below that path stale. Updates are buffered and become durable with
 * {@link #commit()}, which the consumer calls after the file system effects are fsynced and before
 * it commits the JMS transaction; {@link #rollback()} forgets what was not committed.
 */
final class Ledger implements AutoCloseable {

    private final Path file;
    private final NavigableMap<String, Mark> marks = new TreeMap<>();
    /** What each key changed since the last commit held before (null: absent), to roll back in memory. */
    private final Map<String, Mark> undo = new HashMap<>();
    private Journal journal;

    /** The last event applied at a path: its number, and whether it replaced the whole subtree. */
    record Mark(long seq, boolean subtree) {
        String encode() {
            return (subtree ? "T" : "N") + seq;
        }

        static Mark decode(String text) {
            return new Mark(Long.parseLong(text.substring(1)), text.charAt(0) == 'T');
        }
    }

    private Ledger(Path file) {
        this.file = file;
    }

    static Ledger open(Path file) throws IOException {
        Ledger ledger = new Ledger(file);
        ledger.load();
        return ledger;
    }

    private void load() throws IOException {
        marks.clear();
        journal = Journal.open(file, (key, value) -> {
            if (value == null) {
                marks.remove(key);
            } else {
                marks.put(key, Mark.decode(value));
            }
        });
    }

    /** Whether an event numbered {@code seq} for {@code path} was applied already or has been overtaken. */
    boolean isStale(RelPath path, long seq) {
        Mark own = marks.get(path.text());
        if (own != null && own.seq() >= seq) {
            return true;
        }
        for (RelPath ancestor = path.parent(); ancestor != null; ancestor = ancestor.parent()) {
            Mark mark = marks.get(ancestor.text());
            if (mark != null && mark.subtree() && mark.seq() >= seq) {
                return true;
            }
        }
        return false;
    }

    /** Records that the event {@code seq} set what is at {@code path} (a file, link or directory). */
    void recordNode(RelPath path, long seq) {
        put(path.text(), new Mark(seq, false));
    }

    /**
     * Records that the event {@code seq} replaced everything at and below {@code path}; older
     * marks below it are dropped, since the subtree mark now decides for them.
     */
    void recordSubtree(RelPath path, long seq) {
        String prefix = path.text() + "/";
        Iterator<String> below = marks.subMap(prefix, true, path.text() + "0", false).keySet().iterator();
        while (below.hasNext()) {
            String key = below.next();
            Mark mark = marks.get(key);
            if (mark.seq() <= seq) {
                if (!undo.containsKey(key)) {
                    undo.put(key, mark);
                }
                below.remove();
                journal.remove(key);
            }
        }
        put(path.text(), new Mark(seq, true));
    }

    private void put(String key, Mark mark) {
        Mark before = marks.put(key, mark);
        if (!undo.containsKey(key)) {
            undo.put(key, before);
        }
        journal.put(key, mark.encode());
    }

    /** Makes the recorded marks durable. */
    void commit() throws IOException {
        journal.commit();
        undo.clear();
        journal.commitAndCompact(marks.size(), () -> new Iterator<>() {
            private final Iterator<Map.Entry<String, Mark>> entries = marks.entrySet().iterator();

            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Map.Entry<String, String> next() {
                Map.Entry<String, Mark> entry = entries.next();
                return new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), entry.getValue().encode());
            }
        });
    }

    /**
     * Forgets the marks recorded since the last commit, as if they had never been applied. It
     * touches no file, so it works on a destination that has become full or read-only.
     */
    void rollback() {
        journal.discardPending();
        undo.forEach((key, before) -> {
            if (before == null) {
                marks.remove(key);
            } else {
                marks.put(key, before);
            }
        });
        undo.clear();
    }

    int size() {
        return marks.size();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
