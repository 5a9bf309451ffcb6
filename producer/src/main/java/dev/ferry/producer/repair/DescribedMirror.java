package dev.ferry.producer.repair;

import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeView;
import dev.ferry.verify.UnlistedDirectoryException;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.ListedEntry;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A mirror as it described itself in a {@link dev.ferry.wire.RepairMessage.RepairEntries}: the
 * directories it listed, and the digest of each subdirectory those listings name, so that a
 * comparison skips a subtree whose digest equals the producer's, and names one it was not given
 * the listing of ({@link UnlistedDirectoryException}) to be asked for next.
 *
 * <p>Its listings are taken under the producer's ignore rules, like the producer's own view: an
 * entry those rules ignore is neither compared nor deleted.
 */
final class DescribedMirror implements TreeView {

    private final Map<String, SortedMap<String, TreeEntry>> listings = new HashMap<>();
    private final Map<String, DirectoryDigest> digests = new HashMap<>();

    DescribedMirror(Map<String, List<ListedEntry>> described, PublishedView rules) {
        described.forEach((directory, entries) -> {
            SortedMap<String, TreeEntry> listing = new TreeMap<>();
            for (ListedEntry entry : entries) {
                String path = directory.isEmpty() ? entry.name() : directory + "/" + entry.name();
                boolean isDirectory = entry instanceof ListedEntry.Directory;
                if (!rules.isIgnoredEntry(path, isDirectory)) {
                    listing.put(entry.name(), treeEntry(entry));
                    if (entry instanceof ListedEntry.Directory subdirectory && subdirectory.digest() != null) {
                        digests.put(path, subdirectory.digest());
                    }
                }
            }
            listings.put(directory, Collections.unmodifiableSortedMap(listing));
        });
    }

    /** Whether the mirror listed {@code directory}. */
    boolean listed(String directory) {
        return listings.containsKey(directory);
    }

    @Override
    public Listing list(String directory) throws IOException {
        SortedMap<String, TreeEntry> listing = listings.get(directory);
        if (listing != null) {
            return new Listing(listing, List.of());
        }
        if (isListedDirectory(directory)) {
            throw new UnlistedDirectoryException(directory);
        }
        throw new NoSuchFileException(directory, null, "not a directory the mirror described");
    }

    @Override
    public String sha256(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        SortedMap<String, TreeEntry> listing = listings.get(slash < 0 ? "" : path.substring(0, slash));
        TreeEntry entry = listing == null ? null : listing.get(path.substring(slash + 1));
        if (entry == null || entry.sha256() == null) {
            throw new NoSuchFileException(path, null, "not a file the mirror described");
        }
        return entry.sha256();
    }

    @Override
    public DirectoryDigest digest(String directory) {
        return digests.get(directory);
    }

    /** Whether {@code directory} is a directory of a listing the mirror gave. */
    private boolean isListedDirectory(String directory) {
        int slash = directory.lastIndexOf('/');
        SortedMap<String, TreeEntry> parent = listings.get(slash < 0 ? "" : directory.substring(0, slash));
        TreeEntry entry = parent == null || directory.isEmpty() ? null : parent.get(directory.substring(slash + 1));
        return entry != null && entry.type() == TreeEntry.Type.DIRECTORY;
    }

    private static TreeEntry treeEntry(ListedEntry entry) {
        if (entry instanceof ListedEntry.File file) {
            return new TreeEntry(TreeEntry.Type.FILE, file.size(), file.sha256(), file.mode(), file.mtimeMillis(),
                    null);
        }
        if (entry instanceof ListedEntry.Directory directory) {
            return new TreeEntry(TreeEntry.Type.DIRECTORY, 0, null, directory.mode(), directory.mtimeMillis(), null);
        }
        if (entry instanceof ListedEntry.Symlink link) {
            return new TreeEntry(TreeEntry.Type.SYMLINK, 0, null, 0, 0, link.target());
        }
        return new TreeEntry(TreeEntry.Type.SPECIAL, 0, null, 0, 0, null);
    }
}
