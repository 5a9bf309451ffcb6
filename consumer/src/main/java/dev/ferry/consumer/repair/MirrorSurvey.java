package dev.ferry.consumer.repair;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.HashCache;
import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeReader;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.ListedEntry;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The destination as a repair describes it to the producer: the digest of every directory, then
 * the listings of the directories the producer asks for, each read as it is when asked.
 *
 * <p>The tree is read by verify's {@link TreeReader}, without following a link, the consumer's
 * {@code .ferry} left out, under no ignore rules of its own (the producer leaves out of what it is
 * told what its rules ignore); file hashes come from a {@link HashCache} kept in a journal under
 * {@code .ferry}, so a file unchanged since the last repair is not read again.
 */
public final class MirrorSurvey implements AutoCloseable {

    /** Shallower directories first, then in path order: what the producer needs first. */
    static final Comparator<String> NEAREST_THE_ROOT_FIRST = Comparator.comparingLong(MirrorSurvey::depth)
            .thenComparing(Comparator.naturalOrder());

    private final Path root;
    private final Path hashJournal;
    private HashCache hashes; // Opened by a survey, let go once its repair is answered: most runs make none.

    /** A survey of the tree at {@code root} whose hashes are kept in {@code hashJournal}. */
    public MirrorSurvey(Path root, Path hashJournal) {
        this.root = root;
        this.hashJournal = hashJournal;
    }

    /**
     * The digest of every directory of the destination by path, the root ({@code ""}) first, null
     * for one that has none; nearest the root first and at most {@link RepairMessage#MAX_DIRECTORIES}
     * (a directory left out is one the producer asks about once it lists its parent).
     */
    public Map<String, DirectoryDigest> digests() throws IOException {
        DigestedTree tree = walk();
        Map<String, DirectoryDigest> digests = new LinkedHashMap<>();
        tree.directories().stream().sorted(NEAREST_THE_ROOT_FIRST).limit(RepairMessage.MAX_DIRECTORIES)
                .forEach(directory -> digests.put(directory, tree.digest(directory)));
        return digests;
    }

    /**
     * The listings of {@code directories} as the destination holds them now, nearest the root
     * first, as many as {@link RepairMessage#MAX_ENTRIES} entries allow (the producer asks again for
     * the others). A directory the destination does not hold, or holds only through a link, is left
     * out; so is an entry that vanishes while it is read, or whose name Ferry cannot carry.
     */
    public Map<String, List<ListedEntry>> listings(List<String> directories) throws IOException {
        DigestedTree tree = walk(); // Subdirectories' digests as they are now: the producer skips what they cover.
        Map<String, List<ListedEntry>> listings = new LinkedHashMap<>();
        long entries = 0;
        for (String directory : directories.stream().sorted(NEAREST_THE_ROOT_FIRST).toList()) {
            if (!tree.directories().contains(directory)) {
                continue; // Gone, or not a directory reached without a link.
            }
            List<ListedEntry> listing = listing(tree, directory);
            if (entries + listing.size() > RepairMessage.MAX_ENTRIES) {
                break;
            }
            entries += listing.size();
            listings.put(directory, listing);
        }
        return listings;
    }

    private List<ListedEntry> listing(DigestedTree tree, String directory) throws IOException {
        SortedMap<String, TreeEntry> entries;
        try {
            entries = tree.list(directory).entries();
        } catch (NoSuchFileException gone) {
            return List.of();
        }
        List<ListedEntry> listing = new ArrayList<>(entries.size());
        for (Map.Entry<String, TreeEntry> named : entries.entrySet()) {
            String path = directory.isEmpty() ? named.getKey() : directory + "/" + named.getKey();
            ListedEntry entry = carriable(path) ? listed(tree, named.getKey(), path, named.getValue()) : null;
            if (entry != null) {
                listing.add(entry);
            }
        }
        return listing;
    }

    /** The entry as the wire lists it, or null when it vanished while it was read. */
    private static ListedEntry listed(DigestedTree tree, String name, String path, TreeEntry entry)
            throws IOException {
        return switch (entry.type()) {
            case FILE -> {
                try {
                    yield new ListedEntry.File(name, entry.size(), entry.mode(), entry.mtimeMillis(),
                            tree.sha256(path));
                } catch (NoSuchFileException gone) {
                    yield null;
                }
            }
            case DIRECTORY -> new ListedEntry.Directory(name, entry.mode(), entry.mtimeMillis(), tree.digest(path));
            case SYMLINK -> new ListedEntry.Symlink(name, entry.target());
            case SPECIAL -> new ListedEntry.Special(name);
        };
    }

    /** Whether Ferry can carry {@code path} at all: a name it cannot is neither listed nor deleted. */
    private static boolean carriable(String path) {
        try {
            RelPath.of(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Walks the whole tree, hashing what changed, and keeps the hashes learned. */
    private DigestedTree walk() throws IOException {
        if (hashes == null) {
            hashes = HashCache.open(root, hashJournal);
        }
        DigestedTree tree = DigestedTree.of(new TreeReader(hashes, IgnoreRules.NONE));
        hashes.forgetUnused(); // Every file was asked for: what was not is gone.
        hashes.commit();
        return tree;
    }

    /**
     * Lets go of the hashes until the next survey, which reads them back from their journal: a
     * consumer that runs on for days after a repair need not hold a hash for every file of the
     * mirror (some 200 bytes each) in the meantime.
     */
    public void release() throws IOException {
        HashCache held = hashes;
        hashes = null;
        if (held != null) {
            held.close();
        }
    }

    /** Whether the survey holds its hashes now (for tests: what {@link #release()} lets go). */
    boolean holdsHashes() {
        return hashes != null;
    }

    private static long depth(String path) {
        return path.isEmpty() ? 0 : 1 + path.chars().filter(c -> c == '/').count();
    }

    @Override
    public void close() throws IOException {
        if (hashes != null) {
            hashes.close();
        }
    }
}
