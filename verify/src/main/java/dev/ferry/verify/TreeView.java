package dev.ferry.verify;

import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.FileNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.SortedMap;

/**
 * One tree as a {@link TreeComparison} reads it: a directory at a time, a file's hash when asked,
 * and, where the view knows it, a directory's {@link DirectoryDigest}, which spares listing a
 * subtree the other side holds alike.
 *
 * <p>Paths are relative to the tree's root, segments joined by '/', "" for the root itself. A
 * view holds what Ferry compares: its ignore rules and the consumer's {@code .ferry} at the root
 * are already left out of its listings, so two views compared are two views under the same rules.
 *
 * <p>{@link TreeReader} reads a tree on disk; a view can as well be backed by what a producer
 * published or by what a consumer described of its mirror.
 */
public interface TreeView {

    /**
     * What a directory holds: its entries by name, sorted, and those whose name or symlink target
     * is not valid in the file name encoding, which Ferry cannot carry or compare.
     */
    record Listing(SortedMap<String, TreeEntry> entries, List<Unnameable> unnameable) {
    }

    /**
     * An entry that cannot be named in text.
     *
     * @param path its path as {@link FileNames#rawPath} shows it
     * @param what what is not valid: "its name", or "its symlink target" (then shown in {@code path} too)
     */
    record Unnameable(String path, String what) {
    }

    /**
     * The entries directly in {@code directory}. A file's entry may carry its content's hash, when
     * the view knows it already; else {@link #sha256} is asked when the hash is needed.
     *
     * @throws NoSuchFileException         when the directory is not there (any more)
     * @throws UnlistedDirectoryException when the view knows the directory only by its digest
     */
    Listing list(String directory) throws IOException;

    /** The SHA-256 of the file at {@code path}, in lowercase hex. */
    String sha256(String path) throws IOException;

    /**
     * The digest of {@code directory}'s subtree as {@link DirectoryDigest} defines it, or null when
     * the view does not know it without reading the subtree, or the subtree has none.
     */
    default DirectoryDigest digest(String directory) {
        return null;
    }
}
