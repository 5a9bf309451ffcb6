package dev.ferry.producer;

import dev.ferry.wire.FileNames;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source directory as the producer sees it: what is at a relative path, never following a
 * symlink, and whether Ferry can replicate it. It only ever reads, and only what is inside: every
 * entry is reached from the root one directory at a time, relative to each directory's handle
 * (see {@link SourceDirectory}), so a directory swapped for a link to somewhere else cannot lead
 * it outside, however the swap is timed.
 *
 * <p>Entries Ferry cannot replicate (a symlink leading out of the tree, a fifo, a socket, a
 * device, a name the wire format rejects) are reported as absent, with one warning per path.
 * Paths are {@link RelPath}s; {@code null} stands for the root itself.
 */
final class SourceTree {

    private static final Logger log = LoggerFactory.getLogger(SourceTree.class);
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int MAX_REMEMBERED_WARNINGS = 100_000;
    /** How often an entry changing between its lstat and its readlink is looked at before it counts as absent. */
    private static final int MAX_LOOKS = 3;
    /** Whether the warning that this platform cannot keep links from being followed was logged. */
    private static final AtomicBoolean PLATFORM_WARNED = new AtomicBoolean();

    private final Path root;
    private final ProducerObserver observer;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Set<String> unnameable = ConcurrentHashMap.newKeySet();

    /** @param root the real path of the source directory */
    SourceTree(Path root) {
        this(root, ProducerObserver.NONE);
    }

    /**
     * @param root     the real path of the source directory
     * @param observer told of each entry whose name cannot be published
     */
    SourceTree(Path root, ProducerObserver observer) {
        this.root = root;
        this.observer = observer;
    }

    Path root() {
        return root;
    }

    Path resolve(RelPath path) {
        return path == null ? root : path.resolveUnder(root);
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
        Directory parent;
        try {
            parent = openDirectory(path.parent());
        } catch (FileSystemException e) {
            if (isGone(e)) {
                return null;
            }
            throw e;
        }
        try (parent) {
            return parent.observe(path, nameOf(path.name()));
        }
    }

    /**
     * What an lstat of {@code path} finds there if it is a regular file, else {@code null}. The
     * path is resolved as paths are, through any link on the way: this is a cheap look at whether
     * a path still leads to a file seen before (same identity, size and time), never a way to
     * decide what to read.
     */
    Entry lookAtFile(RelPath path) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(resolve(path), PosixFileAttributes.class, NO_FOLLOW);
        } catch (FileSystemException e) {
            if (isGone(e)) {
                return null;
            }
            throw e;
        }
        return attributes.isRegularFile() ? entry(attributes) : null;
    }

    /**
     * Opens the directory at {@code directory} ({@code null} for the root): from the root, one
     * name at a time, without following a link.
     *
     * @throws NotDirectoryException when something on the way is not a real directory (a symlink,
     *                               say), so that nothing of the tree is there
     * @throws NoSuchFileException   when something on the way is gone
     * @throws AccessDeniedException when a directory on the way may not be read
     */
    Directory openDirectory(RelPath directory) throws IOException {
        SourceDirectory current = openRoot();
        if (directory == null) {
            return new Directory(null, current);
        }
        try {
            for (String name : directory.text().split("/")) {
                SourceDirectory next = current.child(nameOf(name));
                current.close();
                current = next;
            }
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
        return new Directory(directory, current);
    }

    /**
     * Opens the root by its path, which is the real path of the source, so no link is followed:
     * relative to a handle where the platform offers {@link SecureDirectoryStream} (Linux and the
     * other systems with openat), by path elsewhere, where a directory swapped for a link at the
     * wrong moment can still make the producer read through the link. This is the one place
     * that decides. The root is opened again for each walk: the source may be replaced (a restore
     * does that), and the new one is what is published, as it was before handles. That costs a
     * handle (7 syscalls) per directory read or published; strace -c of a `producer --once` of
     * 10,000 files in 100 directories counted about 2,700 more syscalls than by path, of 120,000.
     */
    private SourceDirectory openRoot() throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(root);
        if (stream instanceof SecureDirectoryStream<Path> handle) {
            String why = HandleDirectory.whyLinksAreReadByPath();
            if (why != null && PLATFORM_WARNED.compareAndSet(false, true)) {
                log.warn("symlink targets in {} are read by their path ({}), so a directory replaced by a symlink "
                        + "at that moment can show the target of a link outside the tree; give Java "
                        + "--add-opens java.base/sun.nio.fs=ALL-UNNAMED, as the ferry jar does", root, why);
            }
            return new HandleDirectory(root, handle);
        }
        stream.close();
        if (PLATFORM_WARNED.compareAndSet(false, true)) {
            log.warn("this platform opens no directory handles (SecureDirectoryStream): what is in {} is read by "
                    + "its path, so a directory replaced by a symlink at that moment can make the producer read "
                    + "through the link", root);
        }
        return new PathDirectory(root);
    }

    /**
     * A name of the tree as a path of one name. A name that came from the index may have been
     * published under another file name encoding: whether it is still there is then unknown.
     */
    private Path nameOf(String name) throws AccessDeniedException {
        try {
            return root.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            throw new AccessDeniedException(name, null, "name not valid in file name encoding " + FileNames.ENCODING);
        }
    }

    /**
     * The entries of a directory, sorted by name.
     *
     * @param complete false when some names could not be read faithfully, so the directory may
     *                 hold entries missing from {@code children}
     */
    record Listing(List<Child> children, boolean complete) {
    }

    /** An entry of a listing: its path in the tree, and the file it names. */
    record Child(RelPath path, Path file) {
    }

    /**
     * A directory of the tree, open: what is in it is listed, looked at and read relative to it,
     * so it is what it was when it was opened, wherever it has been moved since, and nothing
     * outside the tree can be reached from it.
     */
    final class Directory implements Closeable {
        private final RelPath path;
        private final SourceDirectory handle;

        private Directory(RelPath path, SourceDirectory handle) {
            this.path = path;
            this.handle = handle;
        }

        /** Where it is in the tree, {@code null} for the root. */
        RelPath path() {
            return path;
        }

        /** The entries directly in it, without the names the wire format cannot carry; once only. */
        Listing list() throws IOException {
            List<Child> children = new ArrayList<>();
            boolean complete = true;
            try {
                for (Path file : handle.entries()) {
                    if (!FileNames.readsFaithfully(file)) {
                        unnameable(file);
                        complete = false;
                        continue;
                    }
                    String name = file.getFileName().toString();
                    try {
                        children.add(new Child(path == null ? RelPath.of(name) : path.child(name), file));
                    } catch (IllegalArgumentException e) {
                        warnOnce(file.toString(), "skipping {}: {}", file, e.getMessage());
                    }
                }
            } catch (DirectoryIteratorException e) {
                throw e.getCause();
            }
            // Siblings' paths differ only after their common parent, so ordering by path orders by name.
            children.sort(Comparator.comparing(Child::path));
            return new Listing(children, complete);
        }

        /** Like {@link SourceTree#observe}, for an entry of its {@link #list listing}. */
        Entry observe(Child child) throws IOException {
            return observe(child.path(), child.file().getFileName());
        }

        /** What an lstat relative to this directory finds at {@code file}, one of its entries, or null. */
        Entry look(RelPath file) throws IOException {
            return observe(file, nameOf(file.name()));
        }

        /** Opens the regular file {@code file}, one of its entries, for reading; never through a link. */
        SeekableByteChannel open(RelPath file) throws IOException {
            return handle.open(nameOf(file.name()));
        }

        private Entry observe(RelPath path, Path name) throws IOException {
            // A link replaced by something else between the two looks is looked at again.
            for (int look = 1; ; look++) {
                try {
                    return observeOnce(path, name);
                } catch (NotLinkException e) {
                    if (look == MAX_LOOKS) {
                        return null; // Changing faster than it can be looked at: the next look will tell.
                    }
                }
            }
        }

        private Entry observeOnce(RelPath path, Path name) throws IOException {
            try {
                PosixFileAttributes attributes = handle.lstat(name);
                if (attributes.isSymbolicLink()) {
                    Path target = handle.readLink(name);
                    if (!FileNames.targetReadsFaithfully(target)) {
                        notMirrored(FileNames.rawPath(root, handle.path().resolve(name)) + "\" -> \"" + FileNames.raw(target),
                                "its target");
                        return null;
                    }
                    return symlink(path, target.toString(), fileKey(attributes));
                }
                if (attributes.isRegularFile() || attributes.isDirectory()) {
                    return entry(attributes);
                }
            } catch (FileSystemException e) {
                if (isGone(e)) {
                    return null;
                }
                throw e;
            }
            warnOnce(path.text(), "skipping {}: not a regular file, directory or symbolic link", path);
            return null;
        }

        @Override
        public void close() {
            handle.close();
        }
    }

    private static Entry entry(PosixFileAttributes attributes) {
        long mtimeNanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        int mode = modeBits(attributes.permissions());
        return attributes.isDirectory() ? Entry.directory(mtimeNanos, mode, fileKey(attributes))
                : Entry.file(attributes.size(), mtimeNanos, mode, fileKey(attributes));
    }

    private static FileKey fileKey(PosixFileAttributes attributes) {
        return FileKey.of(attributes.fileKey());
    }

    private Entry symlink(RelPath path, String target, FileKey fileKey) {
        if (target.isEmpty() || !WireFormat.symlinkStaysInside(path, target)) {
            warnOnce(path.text(), "skipping symlink {} -> {}: its target is outside the tree", path, target);
            return null;
        }
        return Entry.symlink(target, fileKey);
    }

    /**
     * Says once per path that an entry whose name is not valid in the file name encoding is not
     * published: Java reads such a name as text that names another file or none (a JVM started in
     * the POSIX locale reads every non-ASCII name so). It must not look deleted either, which is
     * what the listing's {@code complete} says.
     */
    private void unnameable(Path entry) {
        notMirrored(FileNames.rawPath(root, entry), "its name");
    }

    /**
     * Says once that what {@code shown} shows is not mirrored, since {@code what} (its name, or a
     * link's target) is not valid in the file name encoding, and counts it.
     */
    private void notMirrored(String shown, String what) {
        if (unnameable.size() < MAX_REMEMBERED_WARNINGS && unnameable.add(shown)) {
            log.warn("skipping \"{}\": {} is not valid {}, so it cannot be mirrored{}", shown, what, FileNames.ENCODING,
                    "UTF-8".equals(FileNames.ENCODING) ? "" : "; run Ferry with a UTF-8 locale (for instance LC_ALL=C.UTF-8)");
            observer.unnameable(shown);
        }
    }

    /** Logs a warning about {@code key} the first time only, so a rescan does not repeat it. */
    void warnOnce(String key, String format, Object... arguments) {
        if (warned.size() >= MAX_REMEMBERED_WARNINGS || warned.add(key)) {
            log.warn(format, arguments);
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
