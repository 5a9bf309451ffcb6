package dev.ferry.consumer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The idempotent-consumer record: for each path, the sequence number of the last event applied
 * there, so a duplicate or stale event is recognised and changes nothing.
 *
 * <p>An event that replaced a whole subtree (a delete, or either side of a rename) also makes
 * every older event below that path stale. Updates are buffered and become durable with
 * {@link #commit()}, which the consumer calls after the file system effects are fsynced and before
 * it commits the JMS transaction; {@link #rollback()} forgets what was not committed.
 *
 * <p>Beside the marks, and committed with them, it keeps where the mirror is in its producer's
 * stream ({@link StreamPosition}), whether the mirror wants a repair, and the repair it asked for
 * and is waiting for: a gap in the stream seen in a batch that committed is never forgotten, and a
 * repair's answer applied is never waited for again, however the consumer stops after.
 */
final class Ledger implements AutoCloseable {

    /** The keys of the ledger's own records beside the marks: no path starts with '/'. */
    private static final String POSITION_KEY = "/stream";
    private static final String REPAIR_WANTED_KEY = "/repair-wanted";
    private static final String REPAIR_IN_FLIGHT_KEY = "/repair-in-flight";
    private static final String REPAIR_ASKED_AT_KEY = "/repair-asked-at";

    private final Path file;
    private final NavigableMap<String, Mark> marks = new TreeMap<>();
    /** What each key changed since the last commit held before (null: absent), to roll back in memory. */
    private final Map<String, Mark> undo = new HashMap<>();
    /** The ledger's own records by key, and as they were at the last commit. */
    private final Map<String, String> notes = new TreeMap<>();
    private final Map<String, String> committedNotes = new TreeMap<>();
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
            if (key.startsWith("/")) {
                note(key, value);
            } else if (value == null) {
                marks.remove(key);
            } else {
                marks.put(key, Mark.decode(value));
            }
        });
        committedNotes.putAll(notes);
    }

    /**
     * Takes note that message {@code seq} of the stream {@code stream} was taken off the queue, and
     * says what its number tells of the messages before it; a gap or a new stream also makes a
     * repair wanted. Durable with the next {@link #commit()}.
     */
    StreamPosition.Step follow(String stream, long seq) {
        StreamPosition at = position();
        StreamPosition.Step step = StreamPosition.step(at, stream, seq);
        StreamPosition after = StreamPosition.after(at, stream, seq);
        if (after != at) {
            note(POSITION_KEY, after.encode());
        }
        if (step.missedSome()) {
            wantRepair(true);
        }
        return step;
    }

    /** Where the mirror is in its producer's stream; null before its first numbered message. */
    StreamPosition position() {
        String text = notes.get(POSITION_KEY);
        return text == null ? null : StreamPosition.decode(text);
    }

    /** Whether the mirror wants to be compared with its source (a repair). */
    boolean repairWanted() {
        return notes.containsKey(REPAIR_WANTED_KEY);
    }

    /** Records whether a repair is wanted; durable with the next {@link #commit()}. */
    void wantRepair(boolean wanted) {
        note(REPAIR_WANTED_KEY, wanted ? "yes" : null);
    }

    /** The id of the repair asked for and not answered yet, or null. */
    String repairInFlight() {
        return notes.get(REPAIR_IN_FLIGHT_KEY);
    }

    /** Records the repair asked for and not answered yet (null: none); durable with the next {@link #commit()}. */
    void repairInFlight(String id) {
        note(REPAIR_IN_FLIGHT_KEY, id);
    }

    /** When the last repair was asked for, or null: what {@code --repair-every} counts from. */
    Instant repairAskedAt() {
        String text = notes.get(REPAIR_ASKED_AT_KEY);
        try {
            return text == null ? null : Instant.ofEpochMilli(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Records when the last repair was asked for; durable with the next {@link #commit()}. */
    void repairAskedAt(Instant at) {
        note(REPAIR_ASKED_AT_KEY, Long.toString(at.toEpochMilli()));
    }

    private void note(String key, String value) {
        if (value == null) {
            notes.remove(key);
        } else {
            notes.put(key, value);
        }
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

    /** Makes the recorded marks and the ledger's own records (see {@link #follow}) durable. */
    void commit() throws IOException {
        for (String key : changedNotes()) {
            String value = notes.get(key);
            if (value == null) {
                journal.remove(key);
            } else {
                journal.put(key, value);
            }
        }
        journal.commit();
        undo.clear();
        committedNotes.clear();
        committedNotes.putAll(notes);
        journal.commitAndCompact(marks.size() + notes.size(), () -> Stream.concat(
                marks.entrySet().stream().map(entry -> entry(entry.getKey(), entry.getValue().encode())),
                notes.entrySet().stream().map(entry -> entry(entry.getKey(), entry.getValue()))).iterator());
    }

    private Set<String> changedNotes() {
        Set<String> changed = new HashSet<>();
        notes.forEach((key, value) -> {
            if (!value.equals(committedNotes.get(key))) {
                changed.add(key);
            }
        });
        committedNotes.keySet().stream().filter(key -> !notes.containsKey(key)).forEach(changed::add);
        return changed;
    }

    private static Map.Entry<String, String> entry(String key, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(key, value);
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
        notes.clear();
        notes.putAll(committedNotes);
    }

    int size() {
        return marks.size();
    }

    /** Whether the ledger has recorded nothing at all: no mark, no place in a stream, no repair. */
    boolean isBlank() {
        return marks.isEmpty() && notes.isEmpty();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
