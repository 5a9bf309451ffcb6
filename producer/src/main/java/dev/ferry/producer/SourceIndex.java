package dev.ferry.producer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the consumer's replica holds, as far as the producer knows: every entry it published,
 * kept in a {@link Journal} in the state directory so a restart publishes only the differences.
 *
 * <p>Updates are made as events are sent, and the journal makes them durable at
 * {@link #commit()}, which the producer calls only after the broker committed those events. If
 * the broker commit fails, {@link #rollback()} returns to the last durable state, so the events
 * will be sent again; the consumer ignores what it already applied.
 *
 * <p>A commit whose outcome the producer never learns (the broker or the producer dies after
 * the broker committed but before the answer arrived) is "in doubt": the events may be in the
 * queue although the index does not say so. Before each broker commit, the paths the batch
 * publishes are written to {@code in-doubt.paths}; if that commit fails, or the producer starts
 * and finds the file, those paths get an entry that matches nothing on disk, so the next
 * comparison publishes each again if it exists, or a delete if it is gone. Without this, a file
 * created, published in doubt and then deleted would stay in the replica for good.
 *
 * <p>Entries are sorted by path text, so a directory's subtree is the key range from
 * {@code "dir/"} to {@code "dir0"} ('0' follows '/'). A file's entry knows the SHA-256 of the
 * content published, or, in an index written before hashes were kept, not yet
 * ({@link #learnHash} then adds it).
 *
 * <p>The journal also keeps the producer's {@link StreamSequence}: its id, made when the journal
 * is, and the number of the last message committed, made durable by the same {@link #commit()}
 * as the entries those messages published.
 */
final class SourceIndex implements AutoCloseable {

    /** The journal's key of the stream position: no path holds a NUL. */
    private static final String STREAM_KEY = "\0stream";

    private final Path file;
    private final Path doubtFile;
    private final FileChannel lockChannel;
    /** Paths given an entry since the last commit: the ones a failed commit leaves in doubt. */
    private final Set<String> putSinceCommit = new LinkedHashSet<>();
    private Journal journal;
    private NavigableMap<String, Entry> entries;
    private Map<FileKey, String> pathByFileKey;
    private StreamSequence stream;
    /** Changes whenever an entry does, so that what is computed from the entries can be kept until then. */
    private long version;

    private SourceIndex(Path file, FileChannel lockChannel) {
        this.file = file;
        this.doubtFile = file.resolveSibling("in-doubt.paths");
        this.lockChannel = lockChannel;
    }

    /** Opens the index in {@code stateDir}, which only one producer may use at a time. */
    static SourceIndex open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        FileChannel lockChannel = FileChannel.open(stateDir.resolve("producer.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("state directory " + stateDir + " is in use by another producer");
            }
            SourceIndex index = new SourceIndex(stateDir.resolve("index.journal"), lockChannel);
            index.load();
            index.settleDoubts();
            return index;
        } catch (IOException | RuntimeException e) {
            lockChannel.close(); // Releases the lock too.
            throw e;
        }
    }

    private void load() throws IOException {
        NavigableMap<String, Entry> loaded = new TreeMap<>();
        StreamSequence[] position = {null};
        try {
            journal = Journal.open(file, (path, value) -> {
                if (path.equals(STREAM_KEY)) {
                    position[0] = value == null ? null : StreamSequence.decode(value);
                } else if (value == null) {
                    loaded.remove(path);
                } else {
                    loaded.put(path, Entry.decode(value));
                }
            });
        } catch (IllegalArgumentException e) {
            throw new IOException("index " + file + " is damaged or from another version of Ferry ("
                    + e.getMessage() + "); delete it to publish the whole tree again", e);
        }
        if (stream != null) {
            stream.rollBack(); // Loaded again after a rollback: the same stream, at its last commit.
        } else if (position[0] != null) {
            stream = position[0];
        } else {
            // A new index (or one from before streams were numbered) is a new stream.
            stream = StreamSequence.start();
            journal.put(STREAM_KEY, stream.encode());
            journal.commit();
        }
        entries = loaded;
        version++;
        pathByFileKey = new HashMap<>();
        loaded.forEach((path, entry) -> {
            if (entry.fileKey() != null) {
                pathByFileKey.put(entry.fileKey(), path);
            }
        });
    }

    Entry get(RelPath path) {
        return entries.get(path.text());
    }

    /** The producer's stream, whose last committed number this index keeps. */
    StreamSequence stream() {
        return stream;
    }

    /**
     * Up to {@code max} published files, in path order after {@code after} ("" for the first),
     * whose content hashes the index does not know.
     */
    List<RelPath> filesWithoutHash(String after, int max) {
        List<RelPath> files = new ArrayList<>();
        for (Map.Entry<String, Entry> entry : entries.tailMap(after, false).entrySet()) {
            Entry known = entry.getValue();
            if (known.isFile() && known.sha256() == null && !known.isInDoubt()) {
                files.add(RelPath.of(entry.getKey()));
                if (files.size() == max) {
                    break;
                }
            }
        }
        return files;
    }

    /**
     * Remembers the hash of the content published at {@code path}, learned after it was published
     * (read from the source while it was still that version): durable with the next commit, and
     * never in doubt, since no event carries it.
     */
    void learnHash(RelPath path, Sha256 hash) {
        Entry known = entries.get(path.text());
        if (known == null || !known.isFile() || known.isInDoubt()) {
            throw new IllegalArgumentException("the index holds no published file at " + path);
        }
        Entry learned = known.withSha256(hash);
        entries.put(path.text(), learned);
        version++;
        journal.put(path.text(), learned.encode());
    }

    /** The content hashes (hex) of the published files of at least {@code minSize} bytes whose hashes are known. */
    Set<String> fileHashes(long minSize) {
        Set<String> hashes = new HashSet<>();
        for (Entry entry : entries.values()) {
            if (entry.isFile() && entry.sha256() != null && entry.size() >= minSize) {
                hashes.add(entry.sha256().hex());
            }
        }
        return hashes;
    }

    /** Whether the index holds {@code path} or anything below it. */
    boolean holdsTree(RelPath path) {
        String prefix = path.text() + "/";
        String next = entries.ceilingKey(prefix);
        return entries.containsKey(path.text()) || (next != null && next.startsWith(prefix));
    }

    /** The entry published at another path with this file key, if any. */
    RelPath pathWithFileKey(FileKey fileKey) {
        String path = fileKey == null ? null : pathByFileKey.get(fileKey);
        return path == null ? null : RelPath.of(path);
    }

    /**
     * The names directly under {@code directory} ({@code null} for the root), including any that
     * only appear as the parent of a deeper entry.
     */
    List<RelPath> children(RelPath directory) {
        String prefix = directory == null ? "" : directory.text() + "/";
        Set<String> children = new LinkedHashSet<>();
        String key = entries.ceilingKey(prefix);
        while (key != null && key.startsWith(prefix)) {
            int slash = key.indexOf('/', prefix.length());
            if (slash < 0) {
                children.add(key);
                key = entries.higherKey(key);
            } else {
                String child = key.substring(0, slash);
                children.add(child);
                key = entries.ceilingKey(child + "0"); // Skips the child's subtree.
            }
        }
        List<RelPath> paths = new ArrayList<>(children.size());
        children.forEach(child -> paths.add(RelPath.of(child)));
        return paths;
    }

    void put(RelPath path, Entry entry) {
        version++;
        putSinceCommit.add(path.text());
        Entry old = entries.put(path.text(), entry);
        unmapFileKey(path.text(), old);
        if (entry.fileKey() != null) {
            pathByFileKey.put(entry.fileKey(), path.text());
        }
        journal.put(path.text(), entry.encode());
    }

    /** Forgets {@code path} and everything below it. */
    void removeTree(RelPath path) {
        version++;
        for (String key : new ArrayList<>(subtree(path).keySet())) {
            unmapFileKey(key, entries.remove(key));
            journal.remove(key);
        }
        Entry old = entries.remove(path.text());
        if (old != null) {
            unmapFileKey(path.text(), old);
            journal.remove(path.text());
        }
    }

    /** Moves the entry at {@code from} and everything below it to {@code to}, replacing what was there. */
    void rename(RelPath from, RelPath to) {
        removeTree(to);
        // Copies, since a TreeMap's own entries are reused for other keys as the map changes.
        List<Map.Entry<String, Entry>> moved = new ArrayList<>();
        Entry top = entries.get(from.text());
        if (top != null) {
            moved.add(Map.entry(from.text(), top));
        }
        subtree(from).forEach((path, entry) -> moved.add(Map.entry(path, entry)));
        removeTree(from);
        for (Map.Entry<String, Entry> entry : moved) {
            put(from.rebase(RelPath.of(entry.getKey()), to), entry.getValue());
        }
    }

    /** Makes the updates so far durable; call only once the broker committed the events they describe. */
    void commit() throws IOException {
        if (stream.last() != stream.committed()) {
            journal.put(STREAM_KEY, stream.encode());
        }
        journal.commitAndCompact(entries.size() + 1L, () -> Stream.concat(
                Stream.of(Map.entry(STREAM_KEY, stream.encode())),
                entries.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue().encode()))).iterator());
        stream.commit();
        putSinceCommit.clear();
        Files.deleteIfExists(doubtFile);
    }

    /** Records, durably, the paths the coming broker commit publishes: until {@link #commit()}, they are in doubt. */
    void prepareCommit() throws IOException {
        if (putSinceCommit.isEmpty()) {
            return;
        }
        try (FileChannel out = FileChannel.open(doubtFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
             DataOutputStream data = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(out)))) {
            for (String path : putSinceCommit) {
                data.writeUTF(path);
            }
            data.flush();
            out.force(false);
        }
    }

    /** Drops the updates not yet committed, in memory too; what a failed commit left in doubt is marked so. */
    void rollback() throws IOException {
        journal.discardPending();
        journal.close();
        putSinceCommit.clear();
        load();
        settleDoubts();
    }

    /** Gives each path in doubt an entry that matches nothing on disk, so the next comparison publishes it again. */
    private void settleDoubts() throws IOException {
        if (!Files.exists(doubtFile)) {
            return;
        }
        List<String> doubtful = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(doubtFile)))) {
            while (true) {
                doubtful.add(in.readUTF());
            }
        } catch (EOFException end) {
            // Also a record torn by a crash: the paths before it are what counts.
        }
        for (String path : doubtful) {
            put(RelPath.of(path), Entry.IN_DOUBT);
        }
        commit();
    }

    int size() {
        return entries.size();
    }

    /** A number that changes whenever an entry changes (and only then, give or take a removal of nothing). */
    long version() {
        return version;
    }

    private NavigableMap<String, Entry> subtree(RelPath path) {
        return entries.subMap(path.text() + "/", true, path.text() + "0", false);
    }

    private void unmapFileKey(String path, Entry old) {
        // With hard links several paths share a key; only the path it maps to releases it.
        if (old != null && old.fileKey() != null && path.equals(pathByFileKey.get(old.fileKey()))) {
            pathByFileKey.remove(old.fileKey());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            lockChannel.close();
        }
    }
}
