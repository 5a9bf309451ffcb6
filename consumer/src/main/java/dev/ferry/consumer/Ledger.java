package dev.ferry.consumer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
    private final MarkTable marks = new MarkTable();
    /** What each key changed since the last commit held before (null: absent), to roll back in memory. */
    private final Map<String, Mark> undo = new HashMap<>();
    /** The ledger's own records by key, and as they were at the last commit. */
    private final Map<String, String> notes = new TreeMap<>();
    private final Map<String, String> committedNotes = new TreeMap<>();
    private Journal journal;

    /**
     * The last event applied at a path: its number (positive, as every event's), and whether it
     * replaced the whole subtree.
     */
    record Mark(long seq, boolean subtree) {
        Mark {
            if (seq <= 0) {
                throw new IllegalArgumentException("a mark's number must be positive: " + seq);
            }
        }

        String encode() {
            return (subtree ? "T" : "N") + seq;
        }

        /** The mark a journal's text records, or null for one that makes no event stale (a number under 1). */
        static Mark decode(String text) {
            long seq = Long.parseLong(text.substring(1));
            return seq > 0 ? new Mark(seq, text.charAt(0) == 'T') : null;
        }

        /** The mark as the {@link MarkTable} holds it: the number, negated for a subtree. */
        long packed() {
            return subtree ? -seq : seq;
        }

        /** The mark {@link #packed()} made, or null for {@link MarkTable#ABSENT}. */
        static Mark unpacked(long packed) {
            return packed == MarkTable.ABSENT ? null : new Mark(Math.abs(packed), packed < 0);
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
            } else {
                Mark mark = value == null ? null : Mark.decode(value);
                if (mark == null) {
                    marks.remove(key);
                } else {
                    marks.put(key, mark.packed());
                }
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
        Mark own = Mark.unpacked(marks.get(path.text()));
        if (own != null && own.seq() >= seq) {
            return true;
        }
        for (RelPath ancestor = path.parent(); ancestor != null; ancestor = ancestor.parent()) {
            Mark mark = Mark.unpacked(marks.get(ancestor.text()));
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
        marks.removeBelow(path.text(), packed -> Mark.unpacked(packed).seq() <= seq, (key, packed) -> {
            if (!undo.containsKey(key)) {
                undo.put(key, Mark.unpacked(packed));
            }
            journal.remove(key);
        });
        put(path.text(), new Mark(seq, true));
    }

    private void put(String key, Mark mark) {
        Mark before = Mark.unpacked(marks.put(key, mark.packed()));
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
                marks.entries().map(entry -> entry(entry.getKey(), Mark.unpacked(entry.getValue()).encode())),
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
                marks.put(key, before.packed());
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
        return marks.size() == 0 && notes.isEmpty();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
