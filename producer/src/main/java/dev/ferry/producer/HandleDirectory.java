package dev.ferry.producer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * A {@link SourceDirectory} held by a descriptor (openat and its kin): what is in it is reached
 * relative to the descriptor, whatever has become of the path it was opened by.
 */
final class HandleDirectory implements SourceDirectory {

    private static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, NO_FOLLOW);
    private static final int MAX_OPEN_ATTEMPTS = 3;
    private static final Field DESCRIPTOR = descriptorField();
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    private static final boolean READS_LINKS_BY_DESCRIPTOR = DESCRIPTOR != null && Files.isDirectory(PROC_FD);

    private final Path path;
    private final SecureDirectoryStream<Path> handle;

    HandleDirectory(Path path, SecureDirectoryStream<Path> handle) {
        this.path = path;
        this.handle = handle;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public SourceDirectory child(Path name) throws IOException {
        SecureDirectoryStream<Path> child = refusingLinks(name, PosixFileAttributes::isDirectory,
                () -> handle.newDirectoryStream(name, NO_FOLLOW), NotDirectoryException::new);
        return new HandleDirectory(path.resolve(name), child);
    }

    @Override
    public Iterable<Path> entries() {
        return handle;
    }

    @Override
    public PosixFileAttributes lstat(Path name) throws IOException {
        return handle.getFileAttributeView(name, PosixFileAttributeView.class, NO_FOLLOW).readAttributes();
    }

    @Override
    public SeekableByteChannel open(Path name) throws IOException {
        return refusingLinks(name, PosixFileAttributes::isRegularFile, () -> handle.newByteChannel(name, READ_NO_FOLLOW),
                file -> new NoSuchFileException(file, null, "no longer a regular file"));
    }

    /** Opening something in this directory, which may fail. */
    private interface Opening<T> {
        T open() throws IOException;
    }

    /**
     * Opens {@code name}, refusing a link. The refusal (ELOOP) comes as a plain IOException or
     * FileSystemException, as do real errors (too many open files, say); the entry tells them
     * apart: when it is not there or not what was wanted, it changed, and {@code changed} says so;
     * when it is, it may have been swapped and swapped back, so it is opened again, a few times
     * before the failure counts as an error.
     */
    private <T> T refusingLinks(Path name, Predicate<PosixFileAttributes> wanted, Opening<T> opening,
                                Function<String, FileSystemException> changed) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return opening.open();
            } catch (AccessDeniedException | NoSuchFileException | NotDirectoryException e) {
                throw e;
            } catch (IOException e) {
                PosixFileAttributes now = lstatOrNull(name);
                if (now == null || !wanted.test(now)) {
                    FileSystemException gone = changed.apply(path.resolve(name).toString());
                    gone.initCause(e);
                    throw gone;
                }
                if (attempt == MAX_OPEN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Java has no readlinkat: the target is read through /proc/self/fd/N/NAME, N being this
     * handle's descriptor, where the kernel goes straight to the directory N holds and follows no
     * link on the way. The descriptor is a private field of the JDK's directory handle, opened to
     * Ferry by the jar's manifest (Add-Opens: java.base/sun.nio.fs).
     */
    @Override
    public Path readLink(Path name) throws IOException {
        if (!READS_LINKS_BY_DESCRIPTOR || !DESCRIPTOR.getDeclaringClass().isInstance(handle)) {
            return Files.readSymbolicLink(path.resolve(name));
        }
        int descriptor;
        try {
            descriptor = DESCRIPTOR.getInt(handle);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the descriptor field was made accessible", e);
        }
        return Files.readSymbolicLink(PROC_FD.resolve(Integer.toString(descriptor)).resolve(name));
    }

    /** Why symlink targets are read by their path instead, or null when they are not. */
    static String whyLinksAreReadByPath() {
        if (READS_LINKS_BY_DESCRIPTOR) {
            return null;
        }
        return DESCRIPTOR == null ? "the JDK's directory handles are closed to Ferry" : "there is no /proc/self/fd";
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException e) {
            LoggerFactory.getLogger(HandleDirectory.class).debug("closing the handle of {}: {}", path, e.toString());
        }
    }

    private static Field descriptorField() {
        try {
            Field field = Class.forName("sun.nio.fs.UnixSecureDirectoryStream").getDeclaredField("dfd");
            field.setAccessible(true);
            return field.getType() == int.class ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Another JDK, or the module is not opened: InaccessibleObjectException.
        }
    }

    /** What {@code name} is now, or null when it is gone: after an open failed, whether the entry changed meanwhile. */
    private PosixFileAttributes lstatOrNull(Path name) throws IOException {
        try {
            return lstat(name);
        } catch (FileSystemException e) {
            if (SourceTree.isGone(e)) {
                return null;
            }
            throw e;
        }
    }
}
