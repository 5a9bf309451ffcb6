package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source directory as the producer sees it: what is at a relative path, never following a
 * symlink, and whether Ferry can replicate it. It only ever reads.
 *
 * <p>Entries Ferry cannot replicate (a symlink leading out of the tree, a fifo, a socket, a
 * device, a name the wire format rejects) are reported as absent, with one warning per path.
 * Paths are {@link RelPath}s; {@code null} stands for the root itself.
 */
final class SourceTree {

    private static final Logger log = LoggerFactory.getLogger(SourceTree.class);
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int MAX_REMEMBERED_WARNINGS = 100_000;
    private static final String FILE_NAME_ENCODING = System.getProperty("sun.jnu.encoding", "unknown");

    private final Path root;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** @param root the real path of the source directory */
    SourceTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path resolve(RelPath path) {
        return path == null ? root : path.resolveUnder(root);
    }

    /** Like {@link #resolve}, for a path that came from the index rather than from a listing. */
    private Path resolveKnown(RelPath path) throws AccessDeniedException {
        try {
            return resolve(path);
        } catch (InvalidPathException e) {
            // Published under another file name encoding: whether it is still there is unknown.
            throw new AccessDeniedException(path.text(), null, "name not valid in file name encoding "
                    + FILE_NAME_ENCODING);
        }
    }

    /** The path of {@code file} relative to the root, or {@code null} when it is the root, outside it, or unrepresentable. */
    RelPath relativize(Path file) {
        if (!file.startsWith(root) || file.equals(root)) {
            return null;
        }
        try {
            return RelPath.between(root, file);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The replicable entry at {@code path}, or {@code null} when there is none; a path whose
     * ancestors are not all real directories has none either, as it leads outside the tree.
     *
     * @throws AccessDeniedException when the producer may not look, or cannot name the entry in
     *                               this JVM's file name encoding (which says nothing about
     *                               whether the entry is there)
     */
    Entry observe(RelPath path) throws IOException {
        RelPath parent = path.parent();
        resolveKnown(path);
        if (parent != null && !isRealDirectory(parent)) {
            return null;
        }
        return observeChild(path);
    }

    /** Like {@link #observe} for an entry whose parent is known to be a real directory of the tree. */
    Entry observeChild(RelPath path) throws IOException {
        return observeChild(path, resolve(path));
    }

    /** Like {@link #observeChild(RelPath)}, for an entry of a {@link #list listing}. */
    Entry observeChild(Child child) throws IOException {
        return observeChild(child.path(), child.file());
    }

    private Entry observeChild(RelPath path, Path file) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, NO_FOLLOW);
        } catch (FileSystemException e) {
            if (isGone(e)) {
                return null;
            }
            throw e;
        }
        String fileKey = attributes.fileKey() == null ? null : attributes.fileKey().toString();
        long mtimeNanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        int mode = modeBits(attributes.permissions());
        if (attributes.isRegularFile()) {
            return Entry.file(attributes.size(), mtimeNanos, mode, fileKey);
        }
        if (attributes.isDirectory()) {
            return Entry.directory(mtimeNanos, mode, fileKey);
        }
        if (attributes.isSymbolicLink()) {
            return symlink(path, file, fileKey);
        }
        warnOnce(path.text(), "skipping {}: not a regular file, directory or symbolic link", path);
        return null;
    }

    private Entry symlink(RelPath path, Path file, String fileKey) throws IOException {
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        } catch (FileSystemException e) {
            if (isGone(e)) {
                return null;
            }
            throw e;
        }
        if (target.isEmpty() || !WireFormat.symlinkStaysInside(path, target)) {
            warnOnce(path.text(), "skipping symlink {} -> {}: its target is outside the tree", path, target);
            return null;
        }
        return Entry.symlink(target, fileKey);
    }

    /**
     * The entries of a directory, sorted by name.
     *
     * @param complete false when some names could not be read faithfully, so the directory may
     *                 hold entries missing from {@code children}
     */
    record Listing(List<Child> children, boolean complete) {
    }

    /** An entry of a listing: its path in the tree, and the file it names, resolved once. */
    record Child(RelPath path, Path file) {
    }

    /**
     * The entries directly in {@code directory} ({@code null} for the root), without the names
     * the wire format cannot carry.
     *
     * @throws NoSuchFileException   when the directory is gone
     * @throws AccessDeniedException when it may not be listed
     */
    Listing list(RelPath directory) throws IOException {
        Path dir = resolve(directory);
        List<Child> children = new ArrayList<>();
        boolean complete = true;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (!readsFaithfully(dir, name, file)) {
                    complete = false;
                    continue;
                }
                try {
                    children.add(new Child(directory == null ? RelPath.of(name) : directory.child(name), file));
                } catch (IllegalArgumentException e) {
                    warnOnce(file.toString(), "skipping {}: {}", file, e.getMessage());
                }
            }
        } catch (FileSystemException e) {
            throw isGone(e) ? new NoSuchFileException(dir.toString()) : e;
        }
        // Siblings' paths differ only after their common parent, so ordering by path orders by name.
        children.sort(Comparator.comparing(Child::path));
        return new Listing(children, complete);
    }

    /**
     * Whether a name survives the trip to text and back. It does not when the JVM decodes file
     * names with a charset other than the one they were written in (a JVM started in the POSIX
     * locale reads them as ASCII); such an entry cannot be published, and must not look deleted.
     * A name read as ASCII was ASCII on disk (no file name encoding Java uses on Unix decodes
     * other bytes to ASCII), so only other names are checked, by encoding them again.
     */
    private boolean readsFaithfully(Path dir, String name, Path child) {
        if (isAscii(name)) {
            return true;
        }
        boolean faithful;
        try {
            faithful = dir.resolve(name).equals(child);
        } catch (InvalidPathException e) {
            faithful = false;
        }
        if (!faithful) {
            warnOnce(child.toString(), "skipping {}: its name is not valid in the file name encoding {} of this JVM; "
                    + "run Ferry with a UTF-8 locale (for instance LC_ALL=C.UTF-8)", child, FILE_NAME_ENCODING);
        }
        return faithful;
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Opens a regular file for reading, refusing to follow a symlink put in its place. */
    FileChannel open(RelPath path) throws IOException {
        return FileChannel.open(resolve(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** Logs a warning about {@code key} the first time only, so a rescan does not repeat it. */
    void warnOnce(String key, String format, Object... arguments) {
        if (warned.size() >= MAX_REMEMBERED_WARNINGS || warned.add(key)) {
            log.warn(format, arguments);
        }
    }

    private boolean isRealDirectory(RelPath directory) throws IOException {
        Path dir = resolve(directory);
        try {
            return Files.isDirectory(dir, NO_FOLLOW) && dir.toRealPath().equals(dir);
        } catch (FileSystemException e) {
            if (isGone(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Whether a failure means the entry is not there. A path through something that is no longer
     * a directory fails with ENOTDIR, which the JDK reports only as a plain FileSystemException.
     */
    static boolean isGone(FileSystemException e) {
        return e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || "Not a directory".equals(e.getReason());
    }

    static int modeBits(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // OWNER_READ is 0400, OWNER_WRITE 0200, ... OTHERS_EXECUTE 0001: one bit per ordinal.
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }
}
