package dev.ferry.consumer;

import dev.ferry.consumer.DirectoryTimes.Times;
import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.file.FileSystemException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
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
    private final DirectoryTimes given;
    private final Set<Path> changedDirectories = new LinkedHashSet<>();
    /** While a {@link #holdDirectoryTimes() hold} is open: each touched directory's times from before it. */
    private Map<Path, Times> heldTimes;
    /** While a hold is open: the directories {@link #makeParents} found real, so it looks at each once. */
    private final Set<Path> knownDirectories = new HashSet<>();

    /** Ends a {@link #holdDirectoryTimes() hold}, giving every directory it touched its times back. */
    interface TimeHold extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * @param given where the times of the directories being changed are written down until they are
     *              given back; see {@link #giveBackLeftOverTimes()}
     */
    ReplicaTree(Path root, DirectoryTimes given) {
        this.root = root;
        this.given = given;
    }

    /**
     * Gives the directories a consumer was changing when it was killed their times from before the
     * transaction it did not finish ({@link DirectoryTimes}), then forgets them; call it before any
     * change. A directory that cannot be given its time is named in a warning, and left as it is.
     *
     * @return how many it gave back
     */
    int giveBackLeftOverTimes() throws IOException {
        int givenBack = 0;
        for (Map.Entry<Path, Times> left : given.leftOver().entrySet()) {
            Path directory = left.getKey();
            try {
                if (isRealDirectoryChain(directory)) {
                    restoreTimes(directory, left.getValue());
                    givenBack++;
                }
            } catch (IOException e) {
                log.warn("cannot give {} back the time a change cut short by the last stop took from it: {}",
                        directory, e.toString());
            }
        }
        given.forget();
        return givenBack;
    }

    /** The transaction is durable: the times written down for it are not needed any more. */
    void transactionDurable() throws IOException {
        given.forget();
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
     * there in one atomic step (a directory in the way, found when the move fails, is removed first).
     */
    void moveIntoPlace(Path staged, RelPath path) throws IOException {
        Path target = pathOf(path);
        Path parent = makeParents(path);
        changing(parent, timesBeforeChanging(parent), () -> {
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException refused) {
                // Looking for a directory only when the move fails: for a new file the look is an lstat
                // that fails and two exceptions in the JDK, a tenth of the consumer's time per file.
                if (!Files.isDirectory(target, NO_FOLLOW)) {
                    throw refused;
                }
                knownDirectories.clear(); // Some of them may be below target.
                TreeRemoval.remove(target);
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    /**
     * Until the returned hold is closed, {@link #moveIntoPlace} gives the directories it changes
     * their times back only once, at close, and checks each parent directory only once: landing a
     * batch of files into one directory then costs a few system calls per file instead of a dozen.
     * Only moves into place may happen meanwhile (other changes may delete or rename the
     * directories held).
     */
    TimeHold holdDirectoryTimes() {
        heldTimes = new LinkedHashMap<>();
        return () -> {
            Map<Path, Times> held = heldTimes;
            heldTimes = null;
            knownDirectories.clear();
            IOException failure = null;
            for (Map.Entry<Path, Times> entry : held.entrySet()) {
                try {
                    restoreTimes(entry.getKey(), entry.getValue());
                } catch (NoSuchFileException gone) {
                    // Removed meanwhile by someone else: nothing to give back.
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        };
    }

    /** The times to give back to {@code directory} after changing its entries; null when a hold keeps them. */
    private Times timesBeforeChanging(Path directory) throws IOException {
        if (heldTimes == null) {
            return timesToGiveBack(directory);
        }
        if (!heldTimes.containsKey(directory)) {
            heldTimes.put(directory, timesToGiveBack(directory));
        }
        return null;
    }

    /** A change to the entries of a directory. */
    private interface Change {
        void run() throws IOException;
    }

    /**
     * Runs {@code change} to the entries of {@code directory}, then gives the directory back its
     * times from {@code before} (null: a hold gives them back), also when the change fails: the
     * change delivered again gives the directory back the time it finds. A failure to give them
     * back does not hide the change's own.
     */
    private void changing(Path directory, Times before, Change change) throws IOException {
        try {
            change.run();
        } catch (IOException | RuntimeException failed) {
            try {
                changed(directory, before);
            } catch (IOException | RuntimeException restoring) {
                failed.addSuppressed(restoring);
            }
            throw failed;
        }
        changed(directory, before);
    }

    private void changed(Path directory, Times before) throws IOException {
        changedDirectories.add(directory);
        if (before != null) {
            restoreTimes(directory, before);
        }
    }

    /** Makes {@code path} a directory with these permission bits and modification time. */
    void makeDirectory(RelPath path, int mode, long mtimeNanos) throws IOException {
        Path target = pathOf(path);
        if (!Files.isDirectory(target, NO_FOLLOW)) {
            Path parent = makeParents(path);
            changing(parent, timesToGiveBack(parent), () -> {
                Files.deleteIfExists(target);
                Files.createDirectory(target);
            });
        }
        setPermissions(target, mode);
        setModifiedTime(target, mtimeNanos);
    }

    /**
     * Gives the file or directory at {@code path} these permission bits and modification time,
     * its content and its directory's time untouched.
     *
     * @return false when no file or directory is there: nothing, a symbolic link (which has no
     *         attributes Ferry carries, and must not be followed), or a path through a link
     */
    boolean setAttributes(RelPath path, int mode, long mtimeNanos) throws IOException {
        Path target = pathOf(path);
        if (!isRealDirectoryChain(target.getParent())) {
            return false;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (!attributes.isRegularFile() && !attributes.isDirectory()) {
            return false;
        }
        setPermissions(target, mode);
        setModifiedTime(target, mtimeNanos);
        return true;
    }

    /** Removes whatever is at {@code path}, a whole tree included; nothing there is fine. */
    void delete(RelPath path) throws IOException {
        Path target = pathOf(path);
        Path parent = target.getParent();
        if (!Files.exists(target, NO_FOLLOW) || !isRealDirectoryChain(parent)) {
            return;
        }
        changing(parent, timesToGiveBack(parent), () -> TreeRemoval.remove(target));
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
        changing(sourceParent, timesToGiveBack(sourceParent), () -> {
            Path target = pathOf(to);
            Path targetParent = makeParents(to);
            changing(targetParent, timesToGiveBack(targetParent), () -> {
                if (Files.exists(target, NO_FOLLOW)
                        && (Files.isDirectory(target, NO_FOLLOW) || Files.isDirectory(source, NO_FOLLOW))) {
                    TreeRemoval.remove(target); // rename(2) replaces a directory only when it is empty
                }
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (depthOf(to) < depthOf(from)) {
                    removeLinksThatLeave(target);
                }
            });
        });
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
                        changing(parent, timesToGiveBack(parent), () -> Files.delete(file));
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
        // Following links is safe in the staging area and saves an lstat. Setting the access time
        // too (to the same time, as cp -p would) saves reading it back: a file copied in gets two
        // system calls fewer.
        FileTime modified = FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS);
        Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(modified, modified, null);
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
            if (!knownDirectories.contains(next) && !Files.isDirectory(next, NO_FOLLOW)) {
                changing(current, timesBeforeChanging(current), () -> {
                    Files.deleteIfExists(next); // unlinks a file or a link; never follows it
                    Files.createDirectory(next);
                });
            }
            if (heldTimes != null) {
                knownDirectories.add(next);
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

    private static Times times(Path directory) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(directory, BasicFileAttributes.class, NO_FOLLOW);
        return new Times(attributes.lastModifiedTime(), attributes.lastAccessTime());
    }

    /** {@code directory}'s times, written down before a change to its entries, to give back after it. */
    private Times timesToGiveBack(Path directory) throws IOException {
        Times times = times(directory);
        given.remember(directory, times);
        return times;
    }

    private static void restoreTimes(Path directory, Times times) throws IOException {
        Files.getFileAttributeView(directory, BasicFileAttributeView.class, NO_FOLLOW)
                .setTimes(times.modified(), times.accessed(), null);
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
