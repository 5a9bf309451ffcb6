package dev.ferry.producer;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.producer.repair.PublishedView;
import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.TreeEntry;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SourceIndex} as a repair sees it ({@link PublishedView}): what was published, under
 * the ignore rules of now, with each file's hash, read from the source once where the index did
 * not know it ({@link SourceHasher}) and remembered there.
 *
 * <p>Times are those of the index, in milliseconds as {@link FileTime#toMillis()} makes them, which
 * is how a tree on disk is read ({@link dev.ferry.verify.TreeReader}), so an entry published and
 * the same entry on a mirror compare equal, and so do their directories' digests.
 */
final class PublishedTree implements PublishedView {

    private static final Logger log = LoggerFactory.getLogger(PublishedTree.class);
    /** How many files a look into the index for hashes to learn takes at a time. */
    private static final int HASHES_PER_LOOK = 256;
    private static final TreeEntry UNSETTLED = new TreeEntry(TreeEntry.Type.SPECIAL, 0, null, 0, 0, null);

    private final SourceIndex index;
    private final SourceIgnores ignores;
    private final SourceHasher hasher;
    private final StopCheck stop;
    private final Clock clock;
    /** Where the round of hashes to learn goes on: the last path looked at, "" before the first. */
    private String learnedUpTo = "";
    /** The digests last computed, and what they were computed from: the index's version and the rules. */
    private DigestedTree digested;
    private long digestedVersion;
    private IgnoreRules digestedRules;

    PublishedTree(SourceIndex index, SourceIgnores ignores, SourceHasher hasher, StopCheck stop, Clock clock) {
        this.index = index;
        this.ignores = ignores;
        this.hasher = hasher;
        this.stop = stop;
        this.clock = clock;
    }

    @Override
    public Listing list(String directory) throws IOException {
        RelPath parent = directory.isEmpty() ? null : RelPath.of(directory);
        if (parent != null && !holdsDirectory(directory)) {
            throw new NoSuchFileException(directory, null, "no directory published there");
        }
        SortedMap<String, TreeEntry> entries = new TreeMap<>();
        for (RelPath child : index.children(parent)) {
            Entry published = index.get(child);
            if (published == null || published.isInDoubt()) {
                if (!ignores.isIgnoredEntry(child, false) && !ignores.isIgnoredEntry(child, true)) {
                    entries.put(child.name(), UNSETTLED);
                }
            } else if (!ignores.isIgnoredEntry(child, published.isDirectory())) {
                entries.put(child.name(), treeEntry(published));
            }
        }
        return new Listing(entries, List.of());
    }

    @Override
    public String sha256(String path) throws IOException {
        RelPath file = RelPath.of(path);
        Entry published = index.get(file);
        if (published == null || !published.isFile() || published.isInDoubt()) {
            throw new NoSuchFileException(path, null, "no file published there");
        }
        if (published.sha256() != null) {
            return published.sha256().hex();
        }
        try {
            return learn(file, published).hex();
        } finally {
            hasher.release();
        }
    }

    /**
     * Computed again only when an entry of the index or the ignore rules changed since: answering an
     * untouched mirror of an unchanged tree is then a comparison of two roots (computing them for
     * 100,000 files takes some 150 ms).
     */
    @Override
    public DigestedTree digested() throws IOException {
        if (digested == null || digestedVersion != index.version() || digestedRules != ignores.rules()) {
            long version = index.version();
            IgnoreRules rules = ignores.rules();
            try {
                digested = DigestedTree.of(this);
            } finally {
                hasher.release();
            }
            digestedVersion = version == index.version() ? version : -1; // Hashes learned meanwhile: compute again.
            digestedRules = rules;
        }
        return digested;
    }

    @Override
    public boolean isUnsettled(String path) {
        Entry published = index.get(RelPath.of(path));
        return published == null ? index.holdsTree(RelPath.of(path)) : published.isInDoubt();
    }

    @Override
    public boolean holdsDirectory(String path) {
        if (path.isEmpty()) {
            return true;
        }
        RelPath directory = RelPath.of(path);
        Entry published = index.get(directory);
        return published != null && published.isDirectory() && !ignores.isIgnored(directory, true);
    }

    @Override
    public boolean isIgnoredEntry(String path, boolean isDirectory) {
        return ignores.isIgnoredEntry(RelPath.of(path), isDirectory);
    }

    @Override
    public boolean learnHashes(Instant deadline) throws IOException, InterruptedException {
        try {
            while (true) { // At least one file a call, however late: a caller short of time still gets on.
                List<RelPath> unknown = index.filesWithoutHash(learnedUpTo, HASHES_PER_LOOK);
                if (unknown.isEmpty()) {
                    learnedUpTo = "";
                    return true;
                }
                for (RelPath file : unknown) {
                    stop.check();
                    learnedUpTo = file.text();
                    Entry published = index.get(file);
                    if (!ignores.isIgnored(file, false)) {
                        tryToLearn(file, published);
                    }
                    if (!clock.instant().isBefore(deadline)) {
                        return false;
                    }
                }
            }
        } finally {
            hasher.release();
        }
    }

    /** Learns the hash of {@code file}; one that cannot be read now stays unknown, for its directory to be listed. */
    private void tryToLearn(RelPath file, Entry published) {
        try {
            learn(file, published);
        } catch (IOException e) {
            log.debug("not learning the hash of {}: {}", file, e.toString());
        }
    }

    private Sha256 learn(RelPath file, Entry published) throws IOException {
        Sha256 hash = hasher.hash(file, published);
        index.learnHash(file, hash);
        return hash;
    }

    private static TreeEntry treeEntry(Entry published) {
        long mtimeMillis = FileTime.from(published.mtimeNanos(), TimeUnit.NANOSECONDS).toMillis();
        return switch (published.type()) {
            case FILE -> new TreeEntry(TreeEntry.Type.FILE, published.size(),
                    published.sha256() == null ? null : published.sha256().hex(), published.mode(), mtimeMillis, null);
            case DIRECTORY -> new TreeEntry(TreeEntry.Type.DIRECTORY, 0, null, published.mode(), mtimeMillis, null);
            case SYMLINK -> new TreeEntry(TreeEntry.Type.SYMLINK, 0, null, 0, 0, published.target());
        };
    }
}
