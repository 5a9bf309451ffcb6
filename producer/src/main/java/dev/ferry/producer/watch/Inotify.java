package dev.ferry.producer.watch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux's inotify, for what Java's {@code WatchService} does not report: a file closed after it was
 * written ({@link #IN_CLOSE_WRITE}), the moment a writer says it is done, which a producer can read at
 * once instead of waiting for the file to have been left alone a while (issue 21). A small binding
 * through JNA, which Ferry already carries, rather than a library: the maintained Java inotify
 * bindings wrap the same four calls behind a watcher of their own, and Ferry keeps its own.
 *
 * <p>One instance is one inotify file descriptor, non-blocking; {@link #await} waits on it with
 * {@code poll}. Not thread-safe: one thread reads it.
 */
public final class Inotify implements Closeable {

    /** A file was written. */
    public static final int IN_MODIFY = 0x00000002;
    /** A file opened for writing was closed. */
    public static final int IN_CLOSE_WRITE = 0x00000008;
    /** A file or directory opened for reading only was closed. */
    public static final int IN_CLOSE_NOWRITE = 0x00000010;
    /** A file or directory was opened. */
    public static final int IN_OPEN = 0x00000020;
    /** An entry was renamed away from the directory; its {@code cookie} pairs it with an {@link #IN_MOVED_TO}. */
    public static final int IN_MOVED_FROM = 0x00000040;
    /** An entry was renamed into the directory. */
    public static final int IN_MOVED_TO = 0x00000080;
    /** An entry was created in the directory. */
    public static final int IN_CREATE = 0x00000100;
    /** An entry was removed from the directory. */
    public static final int IN_DELETE = 0x00000200;
    /** The kernel's event queue overflowed: events were lost. */
    public static final int IN_Q_OVERFLOW = 0x00004000;
    /** The watch was removed (explicitly, or its directory deleted or unmounted). */
    public static final int IN_IGNORED = 0x00008000;
    /** Set in an event about a directory (a subdirectory renamed, say). */
    public static final int IN_ISDIR = 0x40000000;
    /** Watch the path only if it is a directory. */
    public static final int IN_ONLYDIR = 0x01000000;
    /** Do not follow a symbolic link at the path. */
    public static final int IN_DONT_FOLLOW = 0x02000000;
    /** No events about entries once they are unlinked (a deleted file still open by its writer). */
    public static final int IN_EXCL_UNLINK = 0x04000000;

    private static final int IN_NONBLOCK = 0x800; // O_NONBLOCK
    private static final int IN_CLOEXEC = 0x80000; // O_CLOEXEC
    private static final short POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ENOSPC = 28;
    /** struct inotify_event: int wd, uint32 mask, cookie, len, then len bytes of name. */
    private static final int HEADER_BYTES = 16;
    /** Room for many events per read: each is 16 bytes and a name of at most 255 (NAME_MAX) and its NUL. */
    private static final int BUFFER_BYTES = 64 * 1024;
    /** What the JVM decodes file names with, so a name reads as Java's own directory listing would. */
    private static final Charset NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final int fd;
    /** An eventfd polled beside {@link #fd}: {@link #wake} ends a wait from another thread at once. */
    private final int wakeFd;
    private final Memory buffer = new Memory(BUFFER_BYTES);
    private final Memory pollFds = new Memory(16); // two struct pollfd: int fd, short events, short revents
    private final Memory counter = new Memory(8); // what an eventfd reads: one uint64
    private final Memory one = new Memory(8); // what wake writes: a separate buffer, as another thread writes it
    private boolean closed; // Guarded by this, as the descriptors may not be closed under a wake.

    private Inotify(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        one.setLong(0, 1);
    }

    /**
     * A new inotify instance.
     *
     * @throws IOException naming the errno, when the kernel refuses one (the per-user instance
     *                     limit, {@code fs.inotify.max_user_instances}, say) or JNA cannot load libc
     */
    public static Inotify open() throws IOException {
        int fd;
        try {
            fd = C.LIBRARY.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot make an inotify instance: " + errno(e), e);
        } catch (LinkageError e) {
            throw new IOException("cannot call inotify through JNA: " + e.getMessage(), e);
        }
        try {
            return new Inotify(fd, C.LIBRARY.eventfd(0, IN_NONBLOCK | IN_CLOEXEC)); // EFD_* are O_*, as IN_* are
        } catch (LastErrorException e) {
            C.LIBRARY.close(fd);
            throw new IOException("cannot make an eventfd for the inotify instance: " + errno(e), e);
        } catch (LinkageError e) {
            C.LIBRARY.close(fd);
            throw new IOException("cannot call eventfd through JNA: " + e.getMessage(), e);
        }
    }

    /**
     * Watches {@code directory} for {@code mask}; returns the watch descriptor its events carry. The
     * same directory watched again gets the same descriptor, its mask replaced.
     *
     * @throws WatchLimitException when the per-user watch limit ({@code fs.inotify.max_user_watches})
     *                             is reached
     * @throws IOException naming the directory and the errno otherwise (ENOTDIR with {@link #IN_ONLYDIR})
     */
    public int watch(Path directory, int mask) throws IOException {
        try {
            return C.LIBRARY.inotify_add_watch(fd, cString(directory), mask);
        } catch (LastErrorException e) {
            String message = "cannot watch " + directory + " with inotify: " + errno(e);
            throw e.getErrorCode() == ENOSPC ? new WatchLimitException(message, e) : new IOException(message, e);
        }
    }

    /** Stops watching {@code wd}; an {@link #IN_IGNORED} event follows. A descriptor already gone is no error. */
    public void unwatch(int wd) {
        try {
            C.LIBRARY.inotify_rm_watch(fd, wd);
        } catch (LastErrorException e) {
            // EINVAL: the kernel removed it already (its directory went away).
        }
    }

    /**
     * The events waiting, after waiting up to {@code timeout} for the first; empty when none came.
     *
     * @throws IOException when reading the descriptor fails
     */
    public List<Event> await(Duration timeout) throws IOException {
        // Polled first, and read only when there is something to read: a read of an empty descriptor
        // fails with EAGAIN, which JNA throws as an exception, and that was most of the cost of a
        // wake-up (about 10 us of this thread's CPU per file the producer read, two events each).
        pollFds.setInt(0, fd);
        pollFds.setShort(4, POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, POLLIN);
        pollFds.setShort(14, (short) 0);
        try {
            C.LIBRARY.poll(pollFds, new NativeLong(2), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                throw new IOException("cannot wait for inotify events: " + errno(e), e);
            }
        }
        if (pollFds.getShort(14) != 0) {
            try {
                C.LIBRARY.read(wakeFd, counter, new NativeLong(8)); // Resets it, so the next wait waits.
            } catch (LastErrorException e) {
                // EAGAIN: another read took it.
            }
        }
        return pollFds.getShort(6) != 0 ? read() : List.of();
    }

    /** Ends the wait in {@link #await} now, or the next one if none is under way; from any thread. */
    public synchronized void wake() {
        if (closed) {
            return;
        }
        try {
            C.LIBRARY.write(wakeFd, one, new NativeLong(8));
        } catch (LastErrorException e) {
            // EAGAIN: the counter is full, so a wake is pending anyway.
        }
    }

    private List<Event> read() throws IOException {
        long n;
        try {
            n = C.LIBRARY.read(fd, buffer, new NativeLong(BUFFER_BYTES)).longValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return List.of();
            }
            throw new IOException("cannot read inotify events: " + errno(e), e);
        }
        return parse(buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder()));
    }

    /** The events in {@code bytes}, as read(2) returns them from an inotify descriptor. */
    static List<Event> parse(ByteBuffer bytes) {
        List<Event> events = new ArrayList<>();
        while (bytes.remaining() >= HEADER_BYTES) {
            int wd = bytes.getInt();
            int mask = bytes.getInt();
            int cookie = bytes.getInt();
            int length = bytes.getInt();
            if (length < 0 || length > bytes.remaining()) {
                throw new IllegalStateException("an inotify event whose name of " + length + " bytes overruns the "
                        + bytes.remaining() + " read");
            }
            byte[] name = new byte[length];
            bytes.get(name);
            int end = 0;
            while (end < length && name[end] != 0) {
                end++; // the name is NUL-padded to an alignment
            }
            events.add(new Event(wd, mask, cookie, end == 0 ? null : decode(name, end)));
        }
        return events;
    }

    /**
     * The name, or null when it is not valid in the file name encoding: decoded with replacements it
     * would read as another file's name (or, in the POSIX locale, as no path Java can make at all).
     */
    private static String decode(byte[] name, int length) {
        if (isAscii(name, length)) {
            return new String(name, 0, length, StandardCharsets.US_ASCII); // Valid in every encoding the JVM names files in.
        }
        try {
            return NAMES.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(byte[] name, int length) {
        for (int i = 0; i < length; i++) {
            if (name[i] < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            C.LIBRARY.close(fd);
            C.LIBRARY.close(wakeFd);
        }
    }

    /** {@code path} as the kernel takes it: encoded as the JVM encodes names, NUL-terminated. */
    private static byte[] cString(Path path) {
        byte[] name = path.toString().getBytes(NAMES);
        byte[] terminated = new byte[name.length + 1];
        System.arraycopy(name, 0, terminated, 0, name.length);
        return terminated;
    }

    private static String errno(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case 28 -> "ENOSPC (no inotify watch left: raise fs.inotify.max_user_watches)";
            case 24 -> "EMFILE (no inotify instance left: raise fs.inotify.max_user_instances)";
            case 20 -> "ENOTDIR (not a directory)";
            case 2 -> "ENOENT (no such directory)";
            case 13 -> "EACCES (permission denied)";
            default -> "errno " + e.getErrorCode();
        };
    }

    /**
     * One event.
     *
     * @param wd     the watch it came from ({@link #watch})
     * @param mask   what happened ({@link #IN_CLOSE_WRITE}, ...)
     * @param cookie what relates the two halves of a rename
     * @param name   the entry of the watched directory it is about, or null when about the directory itself
     *               or when the entry's name is not valid in the file name encoding
     */
    public record Event(int wd, int mask, int cookie, String name) {

        public boolean is(int flag) {
            return (mask & flag) != 0;
        }
    }

    /** No inotify watch is left for this user (ENOSPC). */
    public static final class WatchLimitException extends IOException {
        WatchLimitException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    interface C extends Library {
        C LIBRARY = Native.load("c", C.class);

        int inotify_init1(int flags) throws LastErrorException;

        int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

        int inotify_rm_watch(int fd, int wd) throws LastErrorException;

        int poll(Memory fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        NativeLong read(int fd, Memory buffer, NativeLong count) throws LastErrorException;

        int eventfd(int initialValue, int flags) throws LastErrorException;

        NativeLong write(int fd, Memory buffer, NativeLong count) throws LastErrorException;

        int close(int fd);
    }
}
