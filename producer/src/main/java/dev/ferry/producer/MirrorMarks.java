package dev.ferry.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.journal.AtomicFile;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirrors this producer dropped, each marked as needing a repair until its repair is answered
 * ({@link #repaired}): kept in the state directory, in {@value #FILE} (a small versioned JSON file
 * replaced whole, so it survives restarts and crashes), and announced in the producer's heartbeats.
 *
 * <p>While a mirror is marked, the producer does not make its queue again on connecting, even when
 * it keeps that mirror ({@code --mirror}): the queue would only fill again with changes the mirror
 * cannot use before its repair, and be dropped again. Its consumer makes it when it returns.
 *
 * <p>Safe to use from any thread: the mirror watch marks, the publishing thread (connecting, and
 * the repair responder) reads and clears, the heartbeat reads.
 */
public final class MirrorMarks {

    /** The file in the state directory. */
    public static final String FILE = "mirror-marks.json";
    static final int VERSION = 1;

    private static final Logger log = LoggerFactory.getLogger(MirrorMarks.class);
    private static final JsonMapper JSON = WireText.asciiJson().build();

    /** The file's content. */
    private record Stored(int version, SortedMap<String, Stored.Mark> mirrors) {
        record Mark(long droppedAt, long backlogBytes, long limitBytes) {
        }
    }

    private final Path file; // null: kept in memory only
    private final SortedMap<String, MirrorMark> marks; // Guarded by this.
    private final AtomicLong version = new AtomicLong();

    private MirrorMarks(Path file, SortedMap<String, MirrorMark> marks) {
        this.file = file;
        this.marks = marks;
    }

    /**
     * The marks kept in {@code stateDir}; none when it holds no {@value #FILE} (or does not exist yet).
     *
     * @throws IOException naming the file when it cannot be read or is not marks this producer reads
     */
    public static MirrorMarks load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new MirrorMarks(file, new TreeMap<>());
        }
        return new MirrorMarks(file, parse(file, content));
    }

    /** Marks kept in memory only, for a producer without a state directory of its own (tests). */
    public static MirrorMarks inMemory() {
        return new MirrorMarks(null, new TreeMap<>());
    }

    /** Every mirror marked, by name. */
    public synchronized SortedMap<String, MirrorMark> all() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(marks));
    }

    public synchronized boolean isMarked(String mirror) {
        return marks.containsKey(mirror);
    }

    /** Those of {@code mirrors} not marked, in their order: the queues a producer makes. */
    public synchronized List<String> unmarked(List<String> mirrors) {
        return mirrors.stream().filter(mirror -> !marks.containsKey(mirror)).toList();
    }

    /**
     * Marks {@code mirror} as dropped, durably, before its queue is removed: a crash in between
     * leaves a mark on a mirror that lost nothing, whose repair then sends nothing.
     *
     * @return its mark before, or null
     */
    synchronized MirrorMark mark(String mirror, MirrorMark mark) throws IOException {
        WireFormat.checkMirrorName(mirror);
        MirrorMark before = marks.put(mirror, mark);
        save(mirror, before);
        return before;
    }

    /** Puts back what {@link #mark} replaced ({@code before}, or no mark), when the queue was not removed after all. */
    synchronized void restore(String mirror, MirrorMark before) throws IOException {
        MirrorMark marked = before == null ? marks.remove(mirror) : marks.put(mirror, before);
        save(mirror, marked);
    }

    /**
     * Clears the mark of {@code mirror}, whose repair was answered: the repair responder calls this
     * once the answer is committed. From then on the producer makes its queue again, if it keeps it.
     *
     * @return whether it was marked
     * @throws IOException when the marks cannot be written; the mark stays
     */
    public synchronized boolean repaired(String mirror) throws IOException {
        MirrorMark was = marks.remove(mirror);
        if (was == null) {
            return false;
        }
        save(mirror, was);
        log.info("mirror '{}' was repaired; it no longer needs a repair (dropped at {})", mirror, was.droppedAt());
        return true;
    }

    /** Grows with every change of the marks: a heartbeat is due when it moved. */
    public long version() {
        return version.get();
    }

    /** Writes the marks; when that fails, puts {@code mirror}'s mark back to {@code undo} (none if null). */
    private void save(String mirror, MirrorMark undo) throws IOException {
        try {
            if (file != null) {
                AtomicFile.write(file, JSON.writeValueAsBytes(stored()));
            }
            version.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            if (undo == null) {
                marks.remove(mirror);
            } else {
                marks.put(mirror, undo);
            }
            throw new IOException("cannot write the mirrors needing a repair to " + file + ": " + e.getMessage(), e);
        }
    }

    private Stored stored() {
        SortedMap<String, Stored.Mark> stored = new TreeMap<>();
        marks.forEach((mirror, mark) -> stored.put(mirror, new Stored.Mark(mark.droppedAt().toEpochMilli(),
                mark.backlogBytes(), mark.limitBytes())));
        return new Stored(VERSION, stored);
    }

    private static SortedMap<String, MirrorMark> parse(Path file, byte[] content) throws IOException {
        Stored stored;
        try {
            stored = JSON.readValue(content, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot read the mirrors needing a repair from " + file + ": not what this producer "
                    + "writes there (" + e.getOriginalMessage() + ")", e);
        }
        if (stored == null || stored.version() != VERSION || stored.mirrors() == null) {
            throw new IOException("cannot read the mirrors needing a repair from " + file + ": it is of version "
                    + (stored == null ? "none" : stored.version()) + " and this Ferry reads version " + VERSION
                    + " (a newer Ferry wrote it? upgrade this one)");
        }
        SortedMap<String, MirrorMark> marks = new TreeMap<>();
        for (Map.Entry<String, Stored.Mark> entry : stored.mirrors().entrySet()) {
            if (!WireFormat.isMirrorName(entry.getKey()) || entry.getValue() == null) {
                throw new IOException("cannot read the mirrors needing a repair from " + file + ": '"
                        + entry.getKey() + "' is no mirror name with a mark");
            }
            Stored.Mark mark = entry.getValue();
            marks.put(entry.getKey(), new MirrorMark(Instant.ofEpochMilli(mark.droppedAt()), mark.backlogBytes(),
                    mark.limitBytes()));
        }
        return marks;
    }
}
