package dev.ferry.verify;

import dev.ferry.journal.Journal;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The SHA-256 of the files of one tree, remembered by path with the {@link FileStamp} that proves
 * each unchanged, so that a file hashed once is not read again until it changes.
 *
 * <p>A persistent cache lives in a {@link Journal} the caller names (the consumer's is
 * {@code DST/.ferry/hashes.journal}): a crash loses at most the hashes learned since the last
 * commit, which the cache makes every {@value #COMMIT_EVERY} changes and at {@link #close()}.
 * A record the cache cannot read (torn, or from another version) is a hash forgotten, never an
 * error: forgetting costs only a read of the file.
 *
 * <p>A hash is remembered only once its file has rested {@link #SETTLING} (by its change time
 * against the clock when reading began): a file system stamps times in ticks (a few milliseconds
 * on ext4, two seconds on FAT), and a file written again within the tick in which it was read would
 * keep its stamp with other content. A file that changed while it was read is not remembered.
 *
 * <p>At most {@code capacity} hashes are held (about 200 bytes each with their paths); past that,
 * files are hashed and not remembered. One thread at a time; one process at a time per journal.
 */
public final class HashCache implements AutoCloseable {

    /** How long a file must rest after its last change before its hash is remembered. */
    static final Duration SETTLING = Duration.ofSeconds(2);
    /** Enough for a tree of a million files in some 200 MB. */
    public static final int DEFAULT_CAPACITY = 1_000_000;
    static final int COMMIT_EVERY = 10_000;

    private final Path root;
    private final Path file;
    private final Journal journal;
    private final Clock clock;
    private final int capacity;
    private final Map<String, CachedHash> known;
    private int uncommitted;
    private long filesRead;

    private HashCache(Path root, Path file, Journal journal, Map<String, CachedHash> known, int capacity,
                      Clock clock) {
        this.root = root;
        this.file = file;
        this.journal = journal;
        this.known = known;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** The cache of the tree at {@code root}, kept in the journal {@code file} (created if need be). */
    public static HashCache open(Path root, Path file) throws IOException {
        return open(root, file, DEFAULT_CAPACITY, Clock.systemUTC());
    }

    static HashCache open(Path root, Path file, int capacity, Clock clock) throws IOException {
        Map<String, CachedHash> known = new HashMap<>();
        Journal journal = Journal.open(file, (path, value) -> {
            CachedHash hashed = value == null ? null : CachedHash.decode(value);
            if (hashed == null) {
                known.remove(path);
            } else if (known.size() < capacity || known.containsKey(path)) {
                known.put(path, hashed);
            }
        });
        return new HashCache(root, file, journal, known, capacity, clock);
    }

    /** A cache of the tree at {@code root} that lasts as long as this object. */
    public static HashCache inMemory(Path root) {
        return inMemory(root, DEFAULT_CAPACITY, Clock.systemUTC());
    }

    static HashCache inMemory(Path root, int capacity, Clock clock) {
        return new HashCache(root, null, null, new HashMap<>(), capacity, clock);
    }

    public Path root() {
        return root;
    }

    /** How many hashes the cache holds. */
    public int size() {
        return known.size();
    }

    /** How many files this cache read to hash them since it was opened: what it did not spare. */
    public long filesRead() {
        return filesRead;
    }

    /**
     * The SHA-256 of the file at {@code path} (relative to the root), remembered if its stamp is
     * the one it had when it was hashed, else read and remembered.
     *
     * @throws NoSuchFileException when the file is gone, which the cache then forgets
     */
    public String sha256(String path) throws IOException {
        Path target = root.resolve(path);
        FileStamp before = stampOf(path, target);
        CachedHash cached = known.get(path);
        if (cached != null && cached.provenBy(before)) {
            cached.used(true);
            return cached.sha256();
        }
        Instant reading = clock.instant();
        filesRead++;
        String sha256;
        try {
            sha256 = ContentHash.sha256(target);
        } catch (NoSuchFileException e) {
            forget(path);
            throw e;
        }
        FileStamp after = stampOf(path, target);
        if (after.equals(before) && settled(after, reading)) {
            remember(path, new CachedHash(after, sha256));
        } else {
            forget(path);
        }
        return sha256;
    }

    private FileStamp stampOf(String path, Path target) throws IOException {
        try {
            return FileStamp.of(target);
        } catch (NoSuchFileException e) {
            forget(path);
            throw e;
        }
    }

    private static boolean settled(FileStamp stamp, Instant reading) {
        Instant changed = Instant.ofEpochSecond(0, stamp.ctimeNanos());
        return changed.isBefore(reading.minus(SETTLING));
    }

    /**
     * Forgets every hash not asked for since the cache was opened or this was last called: call
     * it after asking for every file of the tree, so that files deleted meanwhile do not linger.
     */
    public void forgetUnused() throws IOException {
        for (Iterator<Map.Entry<String, CachedHash>> hashes = known.entrySet().iterator(); hashes.hasNext(); ) {
            Map.Entry<String, CachedHash> hash = hashes.next();
            if (hash.getValue().used()) {
                hash.getValue().used(false);
            } else {
                hashes.remove();
                changed(hash.getKey(), null);
            }
        }
    }

    private void remember(String path, CachedHash hashed) throws IOException {
        if (known.size() >= capacity && !known.containsKey(path)) {
            return;
        }
        hashed.used(true);
        known.put(path, hashed);
        changed(path, hashed);
    }

    private void forget(String path) throws IOException {
        if (known.remove(path) != null) {
            changed(path, null);
        }
    }

    private void changed(String path, CachedHash hashed) throws IOException {
        if (journal == null) {
            return;
        }
        if (hashed == null) {
            journal.remove(path);
        } else {
            journal.put(path, hashed.encode());
        }
        if (++uncommitted >= COMMIT_EVERY) {
            commit();
        }
    }

    /** Makes what the cache learned durable, and compacts its journal when it has grown well past it. */
    public void commit() throws IOException {
        if (journal == null) {
            return;
        }
        try {
            journal.commitAndCompact(known.size(), () -> known.entrySet().stream()
                    .map(entry -> (Map.Entry<String, String>) new AbstractMap.SimpleImmutableEntry<>(entry.getKey(),
                            entry.getValue().encode()))
                    .iterator());
        } catch (IOException e) {
            throw new IOException("cannot write the hash cache " + file + ": " + e.getMessage(), e);
        }
        uncommitted = 0;
    }

    @Override
    public void close() throws IOException {
        if (journal != null) {
            try {
                commit();
            } finally {
                journal.close();
            }
        }
    }
}
