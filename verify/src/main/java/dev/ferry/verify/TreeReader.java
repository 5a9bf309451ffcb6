package dev.ferry.verify;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.wire.FileNames;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads one tree on disk as Ferry sees it, never following a symbolic link: the entries of a
 * directory, without the paths the ignore rules ignore and without the consumer's {@code .ferry}
 * directory at the root, and the content of a file, hashed as it streams by or remembered by a
 * {@link HashCache}. It knows no digests, which cost reading the whole subtree: a
 * {@link DigestedTree} made of it computes them.
 */
public final class TreeReader implements TreeView {

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;
    private final IgnoreRules rules;
    private final HashCache hashes;

    /** A reader that hashes a file each time it is asked. */
    public TreeReader(Path root, IgnoreRules rules) {
        this(root, rules, null);
    }

    /** A reader of the tree at {@code hashes.root()} that asks {@code hashes} for a file's hash. */
    public TreeReader(HashCache hashes, IgnoreRules rules) {
        this(hashes.root(), rules, hashes);
    }

    private TreeReader(Path root, IgnoreRules rules, HashCache hashes) {
        this.root = root;
        this.rules = rules;
        this.hashes = hashes;
    }

    public Path root() {
        return root;
    }

    /**
     * The entries directly in {@code directory} ("" for the root), without their content hashes.
     * An entry that vanishes while it is read is left out.
     *
     * @throws NoSuchFileException when the directory itself is gone
     */
    @Override
    public Listing list(String directory) throws IOException {
        Path dir = resolve(directory);
        SortedMap<String, TreeEntry> entries = new TreeMap<>();
        List<Unnameable> unnameable = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                String path = directory.isEmpty() ? name : directory + "/" + name;
                if (directory.isEmpty() && name.equals(RelPath.RESERVED_ROOT)) {
                    continue;
                }
                TreeEntry entry = read(child);
                if (entry == null || rules.isIgnoredEntry(path, entry.type() == TreeEntry.Type.DIRECTORY)) {
                    continue;
                }
                Path badTarget = entry.type() == TreeEntry.Type.SYMLINK ? unfaithfulTarget(child) : null;
                if (!FileNames.readsFaithfully(child)) {
                    unnameable.add(new Unnameable(FileNames.rawPath(root, child), "its name"));
                } else if (badTarget != null) {
                    unnameable.add(new Unnameable(FileNames.rawPath(root, child) + " -> " + FileNames.raw(badTarget),
                            "its symlink target"));
                } else {
                    entries.put(name, entry);
                }
            }
        } catch (NotDirectoryException e) {
            throw new NoSuchFileException(dir.toString(), null, "no longer a directory");
        }
        return new Listing(entries, unnameable);
    }

    /**
     * Every entry of the tree by path, parents before children, with the content hashes of files
     * when {@code hashContent}; entries whose names are not valid in the file name encoding are
     * left out, and so is what they hold.
     */
    public SortedMap<String, TreeEntry> walk(boolean hashContent) throws IOException {
        SortedMap<String, TreeEntry> all = new TreeMap<>();
        walk("", hashContent, all);
        return all;
    }

    private void walk(String directory, boolean hashContent, SortedMap<String, TreeEntry> all) throws IOException {
        SortedMap<String, TreeEntry> entries;
        try {
            entries = list(directory).entries();
        } catch (NoSuchFileException e) {
            if (directory.isEmpty()) {
                throw e;
            }
            return; // Vanished while we looked: a tree in motion.
        }
        for (var named : entries.entrySet()) {
            String path = directory.isEmpty() ? named.getKey() : directory + "/" + named.getKey();
            TreeEntry entry = named.getValue();
            if (hashContent && entry.type() == TreeEntry.Type.FILE) {
                try {
                    entry = entry.withSha256(sha256(path));
                } catch (NoSuchFileException e) {
                    continue;
                }
            }
            all.put(path, entry);
            if (entry.type() == TreeEntry.Type.DIRECTORY) {
                walk(path, hashContent, all);
            }
        }
    }

    /** The SHA-256 of the file at {@code path}, read in pieces so that any size fits in memory. */
    @Override
    public String sha256(String path) throws IOException {
        return hashes != null ? hashes.sha256(path) : ContentHash.sha256(resolve(path));
    }

    private Path resolve(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    /** The target of the link {@code file} if its text names another target, else null (also when it is gone). */
    private static Path unfaithfulTarget(Path link) throws IOException {
        try {
            Path target = Files.readSymbolicLink(link);
            return FileNames.targetReadsFaithfully(target) ? null : target;
        } catch (NoSuchFileException | NotLinkException e) {
            return null;
        }
    }

    /** The entry at {@code file}, or null when it is gone. */
    private static TreeEntry read(Path file) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
        int mode = modeOf(attributes.permissions());
        long mtime = attributes.lastModifiedTime().toMillis();
        if (attributes.isRegularFile()) {
            return TreeEntry.file(attributes.size(), mode, mtime);
        }
        if (attributes.isDirectory()) {
            return TreeEntry.directory(mode, mtime);
        }
        if (attributes.isSymbolicLink()) {
            try {
                return TreeEntry.symlink(Files.readSymbolicLink(file).toString());
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        return TreeEntry.special();
    }

    static int modeOf(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }
}
