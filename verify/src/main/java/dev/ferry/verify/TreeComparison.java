package dev.ferry.verify;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.FileNames;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Compares a source tree with its mirror, the way {@code ferry verify} does: both trees are walked
 * side by side, one directory listing of each at a time, and every difference is reported as it
 * is found, in path order.
 *
 * <p>What is compared is what Ferry replicates (see {@link TreeEntry}). Contents are hashed only
 * where the sizes agree, reading each file in pieces. A directory missing on either side is one
 * difference, not one per entry inside it. Paths the ignore rules ignore are left out on both
 * sides, and so is the destination's {@code .ferry} directory. An entry of the source that Ferry
 * does not replicate (a fifo, socket or device, a symbolic link pointing out of the tree, a name
 * the wire format cannot carry) is reported as skipped, so that a mirror Ferry made is equal to
 * its source.
 *
 * <p>The trees are any two {@link TreeView}s. Where both know a directory's {@link DirectoryDigest}
 * and the two are equal, the subtree is not listed: its entries count as compared and equal. A
 * digest exists only for a subtree without anything a comparison would skip, so skipping it hides
 * neither a difference nor a skipped entry.
 */
public final class TreeComparison {

    /** Where the findings of a comparison go, as they are made. */
    public interface Listener {
        void difference(Difference difference);

        /**
         * An entry was not compared, since Ferry does not replicate it (of the source) or cannot
         * name it (of either side; {@code path} then shows the bytes that are not text as {@code \xNN}).
         */
        default void skipped(String path, String reason) {
        }

        /**
         * A directory was not compared, since the view of {@code side} ("source" or "dest") knows it
         * only by its digest, which differs from the other side's: list it there and compare again.
         */
        default void unlisted(String directory, String side) {
        }
    }

    /**
     * The outcome of a comparison.
     *
     * @param entries     paths compared, on either side, those of subtrees found equal by their
     *                    digests included
     * @param differences differences found
     * @param skipped     source entries not compared
     * @param unlisted    directories not compared, since a view knows them only by their digest
     */
    public record Summary(long entries, long differences, long skipped, long unlisted) {
        public boolean equal() {
            return differences == 0 && unlisted == 0;
        }
    }

    private static final String SOURCE = "source";
    private static final String DEST = "dest";

    private final TreeView source;
    private final TreeView dest;
    private final Listener listener;
    private long entries;
    private long differences;
    private long skipped;
    private long unlisted;

    private TreeComparison(TreeView source, TreeView dest, Listener listener) {
        this.source = source;
        this.dest = dest;
        this.listener = listener;
    }

    /**
     * Compares the tree at {@code dest} with the one at {@code source}, ignoring what {@code rules}
     * ignore on either side.
     *
     * @throws IOException when either root cannot be listed
     */
    public static Summary compare(Path source, Path dest, IgnoreRules rules, Listener listener) throws IOException {
        return compare(new TreeReader(source, rules), new TreeReader(dest, rules), listener);
    }

    /**
     * Compares the view {@code dest} with the view {@code source}.
     *
     * @throws IOException when either root cannot be listed (other than as {@link UnlistedDirectoryException})
     */
    public static Summary compare(TreeView source, TreeView dest, Listener listener) throws IOException {
        return compare(source, dest, "", listener);
    }

    /**
     * Compares the subtree at {@code directory} of the view {@code dest} with the same subtree of the
     * view {@code source}: the directories themselves are not compared, what they hold is, and
     * paths are reported from the root as in a whole comparison.
     *
     * @throws IOException when either directory cannot be listed (other than as {@link UnlistedDirectoryException})
     */
    public static Summary compare(TreeView source, TreeView dest, String directory, Listener listener)
            throws IOException {
        TreeComparison comparison = new TreeComparison(source, dest, listener);
        if (!comparison.equalDigests(directory)) {
            // Either top unreadable: there is nothing to compare, and that is an error, not a difference.
            TreeView.Listing inSource = comparison.listTop(source, SOURCE, directory);
            TreeView.Listing inDest = comparison.listTop(dest, DEST, directory);
            if (inSource != null && inDest != null) {
                comparison.compareEntries(directory, comparison.named(SOURCE, inSource),
                        comparison.named(DEST, inDest));
            }
        }
        return new Summary(comparison.entries, comparison.differences, comparison.skipped, comparison.unlisted);
    }

    private void compareDirectory(String directory) {
        if (equalDigests(directory)) {
            return;
        }
        SortedMap<String, TreeEntry> inSource = named(SOURCE, list(source, SOURCE, directory));
        SortedMap<String, TreeEntry> inDest = named(DEST, list(dest, DEST, directory));
        if (inSource != null && inDest != null) {
            compareEntries(directory, inSource, inDest);
        }
    }

    /** Whether both views know the directory's digest and it is the same; its entries then count as compared. */
    private boolean equalDigests(String directory) {
        DirectoryDigest there = source.digest(directory);
        if (there == null || !there.equals(dest.digest(directory))) {
            return false;
        }
        entries += there.entries();
        return true;
    }

    private void compareEntries(String directory, SortedMap<String, TreeEntry> inSource,
                                SortedMap<String, TreeEntry> inDest) {
        SortedSet<String> names = new TreeSet<>(inSource.keySet());
        names.addAll(inDest.keySet());
        for (String name : names) {
            String path = directory.isEmpty() ? name : directory + "/" + name;
            TreeEntry there = replicable(path, inSource.get(name));
            TreeEntry here = inDest.get(name);
            if (there == null && here == null) {
                continue;
            }
            entries++;
            if (there != null && here != null && there.type() == TreeEntry.Type.FILE
                    && here.type() == TreeEntry.Type.FILE && there.size() == here.size()) {
                String sourceHash = hash(source, SOURCE, path, there);
                String destHash = hash(dest, DEST, path, here);
                if (sourceHash != null && destHash != null) {
                    there = there.withSha256(sourceHash);
                    here = here.withSha256(destHash);
                }
            }
            Difference.between(path, there, here).forEach(this::report);
            if (there != null && here != null && there.type() == TreeEntry.Type.DIRECTORY
                    && here.type() == TreeEntry.Type.DIRECTORY) {
                compareDirectory(path);
            }
        }
    }

    /** The source entry if Ferry replicates it; else null, reported as skipped. */
    private TreeEntry replicable(String path, TreeEntry entry) {
        if (entry == null) {
            return null;
        }
        String reason = Replicable.whyNot(path, entry);
        if (reason == null) {
            return entry;
        }
        skipped++;
        listener.skipped(path, reason);
        return null;
    }

    /**
     * The entries of {@code listing} that can be compared; those whose names are not valid in the
     * file name encoding are reported as skipped, on either side: Ferry never writes such a name,
     * and cannot say which name of the other side it would be.
     */
    private SortedMap<String, TreeEntry> named(String side, TreeView.Listing listing) {
        if (listing == null) {
            return null;
        }
        for (TreeView.Unnameable entry : listing.unnameable()) {
            skipped++;
            listener.skipped(entry.path(), "on " + side + ": " + entry.what() + " is not valid " + FileNames.ENCODING
                    + ", which Ferry cannot carry");
        }
        return listing.entries();
    }

    private TreeView.Listing listTop(TreeView tree, String side, String directory) throws IOException {
        try {
            return tree.list(directory);
        } catch (UnlistedDirectoryException e) {
            unlisted(directory, side);
            return null;
        }
    }

    private TreeView.Listing list(TreeView tree, String side, String directory) {
        try {
            return tree.list(directory);
        } catch (UnlistedDirectoryException e) {
            unlisted(directory, side);
            return null;
        } catch (IOException e) {
            report(Difference.unreadable(directory, side, reason(e)));
            return null;
        }
    }

    private void unlisted(String directory, String side) {
        unlisted++;
        listener.unlisted(directory, side);
    }

    /** The hash the view's listing gave the file, else the one the view reads; null (reported) when unreadable. */
    private String hash(TreeView tree, String side, String path, TreeEntry entry) {
        if (entry.sha256() != null) {
            return entry.sha256();
        }
        try {
            return tree.sha256(path);
        } catch (IOException e) {
            report(Difference.unreadable(path, side, reason(e)));
            return null;
        }
    }

    private void report(Difference difference) {
        differences++;
        listener.difference(difference);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it vanished while it was compared";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
