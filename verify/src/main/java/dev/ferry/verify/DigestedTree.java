package dev.ferry.verify;

import dev.ferry.wire.DirectoryDigest;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A view with the {@link DirectoryDigest} of each of its directories, computed in one walk
 * when it is made: how a side that reads its tree on disk offers digests (with a {@link HashCache}
 * behind the view, a walk of an unchanged tree reads no file).
 *
 * <p>The digests are those of the tree as the walk found it; listings and hashes are the view's,
 * live. A directory has no digest when anything below it could not be read, or is an entry a
 * comparison would skip: a name that is not valid in the file name encoding, or an entry Ferry
 * does not replicate.
 */
public final class DigestedTree implements TreeView {

    private final TreeView tree;
    private final Map<String, DirectoryDigest> digests;
    private final Set<String> directories;

    private DigestedTree(TreeView tree, Map<String, DirectoryDigest> digests, Set<String> directories) {
        this.tree = tree;
        this.digests = Collections.unmodifiableMap(digests);
        this.directories = Collections.unmodifiableSet(directories);
    }

    /**
     * Walks {@code tree}, hashing every file, and keeps the digest of every directory that has one.
     *
     * @throws IOException when the root cannot be listed
     */
    public static DigestedTree of(TreeView tree) throws IOException {
        Map<String, DirectoryDigest> digests = new HashMap<>();
        Set<String> directories = new HashSet<>();
        new Walk(tree, digests, directories).digest("", tree.list(""));
        return new DigestedTree(tree, digests, directories);
    }

    /** The digest of every directory that has one, by path; "" is the root. */
    public Map<String, DirectoryDigest> digests() {
        return digests;
    }

    /** Every directory the walk listed, with a digest or not, by path; "" is the root. */
    public Set<String> directories() {
        return directories;
    }

    @Override
    public Listing list(String directory) throws IOException {
        return tree.list(directory);
    }

    @Override
    public String sha256(String path) throws IOException {
        return tree.sha256(path);
    }

    @Override
    public DirectoryDigest digest(String directory) {
        return digests.get(directory);
    }

    /** Digests a tree bottom-up, each directory once its subdirectories are done. */
    private record Walk(TreeView tree, Map<String, DirectoryDigest> digests, Set<String> directories) {

        /** The digest of {@code directory}, kept, or null when it has none. */
        DirectoryDigest digest(String directory, Listing listing) {
            directories.add(directory);
            DirectoryDigest.Builder builder = DirectoryDigest.builder();
            boolean whole = listing.unnameable().isEmpty();
            for (Map.Entry<String, TreeEntry> named : listing.entries().entrySet()) {
                String path = directory.isEmpty() ? named.getKey() : directory + "/" + named.getKey();
                whole &= add(builder, named.getKey(), path, named.getValue());
            }
            if (!whole) {
                return null;
            }
            DirectoryDigest digest = builder.digest();
            digests.put(directory, digest);
            return digest;
        }

        /** Adds the entry to the builder; false when it is one no digest covers. */
        private boolean add(DirectoryDigest.Builder builder, String name, String path, TreeEntry entry) {
            if (Replicable.whyNot(path, entry) != null) {
                return false;
            }
            switch (entry.type()) {
                case FILE -> {
                    String sha256 = entry.sha256() != null ? entry.sha256() : hash(path);
                    if (sha256 == null) {
                        return false;
                    }
                    builder.file(name, entry.size(), entry.mode(), entry.mtimeMillis(), sha256);
                }
                case DIRECTORY -> {
                    DirectoryDigest subtree = subdirectory(path);
                    if (subtree == null) {
                        return false;
                    }
                    builder.directory(name, entry.mode(), entry.mtimeMillis(), subtree);
                }
                case SYMLINK -> builder.symlink(name, entry.target());
                default -> {
                    return false;
                }
            }
            return true;
        }

        private DirectoryDigest subdirectory(String path) {
            try {
                return digest(path, tree.list(path));
            } catch (IOException e) {
                return null; // A comparison lists it again, and says what it could not read.
            }
        }

        private String hash(String path) {
            try {
                return tree.sha256(path);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
