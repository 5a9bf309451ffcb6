package dev.ferry.consumer;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change the consumer makes to the replica goes through here: the file system seam.
 *
 * <p>Three rules hold for each operation. It never follows a symbolic link inside the replica
 * (a link or file where a directory should be is replaced, never written through), so nothing is
 * written outside the root, and it leaves no link there that points out of it. It keeps the
 * modification time of the parent directories it touches, because directory times are replicated
 * by their own events. And it remembers every directory whose entries it changed, so
 * {@link #syncDirectories()} can make those changes durable before the consumer acknowledges them.
 */
final class ReplicaTree {

    private static final Logger log = LoggerFactory.getLogger(ReplicaTree.class);
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;
    private final Set<Path> changedDirectories = new LinkedHashSet<>();

    ReplicaTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path pathOf(RelPath path) {
        return path.resolveUnder(root);
    }

    /** Whether anything (a file, directory or link) is at {@code path}. */
    boolean exists(RelPath path) {
        return Files.exists(pathOf(path), NO_FOLLOW);
    }

    /**
     * Moves a fully written, fsynced file or link into place at {@code path}, replacing what is
     * there in one atomic step (a directory in the way is removed first).
     */
    void moveIntoPlace(Path staged, RelPath path) throws IOException {
        Path target = pathOf(path);
        Path parent = makeParents(path);
        FileTime parentTime = modifiedTime(parent);
        if (Files.isDirectory(target, NO_FOLLOW)) {
            deleteRecursively(target);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        restoreTime(parent, parentTime);
        changedDirectories.add(parent);
    }

    /** Makes {@code path} a directory with these permission bits and modification time. */
    void makeDirectory(RelPath path, int mode, long mtimeNanos) throws IOException {
        Path target = pathOf(path);
        if (!Files.isDirectory(target, NO_FOLLOW)) {
            Path parent = makeParents(path);
            FileTime parentTime = modifiedTime(parent);
            Files.deleteIfExists(target);
            Files.createDirectory(target);
            restoreTime(parent, parentTime);
            changedDirectories.add(parent);
        }
        setPermissions(target, mode);
        setModifiedTime(target, mtimeNanos);
    }

    /** Removes whatever is at {@code path}, a whole tree included; nothing there is fine. */
    void delete(RelPath path) throws IOException {
        Path target = pathOf(path);
        Path parent = target.getParent();
        if (!Files.exists(target, NO_FOLLOW) || !isRealDirectoryChain(parent)) {
            return;
        }
        FileTime parentTime = modifiedTime(parent);
        deleteRecursively(target);
        restoreTime(parent, parentTime);
        changedDirectories.add(parent);
    }

    /**
     * Moves what is at {@code from} to {@code to}, replacing what was there.
     *
     * @return false when there is nothing at {@code from}
     */
    boolean rename(RelPath from, RelPath to) throws IOException {
        Path source = pathOf(from);
        if (!isRealDirectoryChain(source.getParent()) || !Files.exists(source, NO_FOLLOW)) {
            return false;
        }
        Path sourceParent = source.getParent();
        FileTime sourceParentTime = modifiedTime(sourceParent);
        Path target = pathOf(to);
        Path targetParent = makeParents(to);
        FileTime targetParentTime = modifiedTime(targetParent);
        if (Files.exists(target, NO_FOLLOW)
                && (Files.isDirectory(target, NO_FOLLOW) || Files.isDirectory(source, NO_FOLLOW))) {
            deleteRecursively(target); // rename(2) replaces a directory only when it is empty
        }
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (depthOf(to) < depthOf(from)) {
            removeLinksThatLeave(target);
        }
        restoreTime(sourceParent, sourceParentTime);
        restoreTime(targetParent, targetParentTime);
        changedDirectories.add(sourceParent);
        changedDirectories.add(targetParent);
        return true;
    }

    /**
     * Removes the links at or under {@code moved} whose targets now climb out of the tree. A link may
     * climb as many levels as it is deep (see {@link WireFormat#symlinkStaysInside}), so one that
     * was safe where it was made can leave the tree once a rename brings it closer to the root. The
     * producer does not replicate such links either.
     */
    private void removeLinksThatLeave(Path moved) throws IOException {
        Files.walkFileTree(moved, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    String target = Files.readSymbolicLink(file).toString();
                    if (!WireFormat.symlinkStaysInside(RelPath.between(root, file), target)) {
                        Path parent = file.getParent();
                        FileTime parentTime = modifiedTime(parent);
                        Files.delete(file);
                        restoreTime(parent, parentTime);
                        changedDirectories.add(parent);
                        log.warn("removed link {} -> {}: moved there, it points out of the tree", file, target);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static int depthOf(RelPath path) {
        int depth = 0;
        for (RelPath parent = path.parent(); parent != null; parent = parent.parent()) {
            depth++;
        }
        return depth;
    }

    /** Sets the permission bits and modification time of a file not yet in place. */
    static void setMetadata(Path file, int mode, long mtimeNanos) throws IOException {
        setPermissions(file, mode);
        setModifiedTime(file, mtimeNanos);
    }

    /** Fsyncs every directory whose entries changed since the last call. */
    void syncDirectories() throws IOException {
        for (Path directory : changedDirectories) {
            if (Files.isDirectory(directory, NO_FOLLOW)) {
                Journal.fsyncDirectory(directory);
            }
        }
        changedDirectories.clear();
    }

    /** Forgets the directories to sync (after a rollback the events will be applied again). */
    void forgetChanges() {
        changedDirectories.clear();
    }

    /**
     * Ensures every ancestor of {@code path} is a real directory, replacing a file or link that
     * stands where a directory must be (the event is newer than whatever put it there).
     *
     * @return the parent directory of {@code path}
     */
    private Path makeParents(RelPath path) throws IOException {
        Path current = root;
        RelPath parent = path.parent();
        if (parent == null) {
            return root;
        }
        for (String segment : parent.text().split("/")) {
            Path next = current.resolve(segment);
            if (!Files.isDirectory(next, NO_FOLLOW)) {
                FileTime time = modifiedTime(current);
                Files.deleteIfExists(next); // unlinks a file or a link; never follows it
                Files.createDirectory(next);
                restoreTime(current, time);
                changedDirectories.add(current);
            }
            current = next;
        }
        return current;
    }

    /** Whether {@code directory} and all its ancestors up to the root are directories, not links. */
    private boolean isRealDirectoryChain(Path directory) {
        for (Path p = directory; p != null && p.startsWith(root); p = p.getParent()) {
            if (!Files.isDirectory(p, NO_FOLLOW)) {
                return false;
            }
            if (p.equals(root)) {
                return true;
            }
        }
        return false;
    }

    static void deleteRecursively(Path target) throws IOException {
        if (!Files.isDirectory(target, NO_FOLLOW)) {
            Files.deleteIfExists(target);
            return;
        }
        // walkFileTree does not follow links: a link inside is removed, not what it points to.
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException raced) {
                    deleteRecursively(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static FileTime modifiedTime(Path directory) throws IOException {
        return Files.readAttributes(directory, BasicFileAttributes.class, NO_FOLLOW).lastModifiedTime();
    }

    private static void restoreTime(Path directory, FileTime time) throws IOException {
        Files.getFileAttributeView(directory, BasicFileAttributeView.class, NO_FOLLOW)
                .setTimes(time, null, null);
    }

    private static void setModifiedTime(Path file, long mtimeNanos) throws IOException {
        Files.getFileAttributeView(file, BasicFileAttributeView.class, NO_FOLLOW)
                .setTimes(FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS), null, null);
    }

    private static void setPermissions(Path file, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        Files.setPosixFilePermissions(file, permissions);
    }
}
