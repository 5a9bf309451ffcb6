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
import java.nio.charset.Charset;
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

    /** A file opened for writing was closed. */
    public static final int IN_CLOSE_WRITE = 0x00000008;
    /** The kernel's event queue overflowed: events were lost. */
    public static final int IN_Q_OVERFLOW = 0x00004000;
    /** The watch was removed (explicitly, or its directory deleted or unmounted). */
    public static final int IN_IGNORED = 0x00008000;
    /** Watch the path only if it is a directory. */
    public static final int IN_ONLYDIR = 0x01000000;
    /** Do not follow a symbolic link at the path. */
    public static final int IN_DONT_FOLLOW = 0x02000000;

    private static final int IN_NONBLOCK = 0x800; // O_NONBLOCK
    private static final int IN_CLOEXEC = 0x80000; // O_CLOEXEC
    private static final short POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    /** struct inotify_event: int wd, uint32 mask, cookie, len, then len bytes of name. */
    private static final int HEADER_BYTES = 16;
    /** Room for many events per read: each is 16 bytes and a name of at most 255 (NAME_MAX) and its NUL. */
    private static final int BUFFER_BYTES = 64 * 1024;
    /** What the JVM decodes file names with, so a name reads as Java's own directory listing would. */
    private static final Charset NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final int fd;
    private final Memory buffer = new Memory(BUFFER_BYTES);
    private final Memory pollFd = new Memory(8); // struct pollfd: int fd, short events, short revents
    private boolean closed;

    private Inotify(int fd) {
        this.fd = fd;
    }

    /**
     * A new inotify instance.
     *
     * @throws IOException naming the errno, when the kernel refuses one (the per-user instance
     *                     limit, {@code fs.inotify.max_user_instances}, say) or JNA cannot load libc
     */
    public static Inotify open() throws IOException {
        try {
            return new Inotify(C.LIBRARY.inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot make an inotify instance: " + errno(e), e);
        } catch (LinkageError e) {
            throw new IOException("cannot call inotify through JNA: " + e.getMessage(), e);
        }
    }

    /**
     * Watches {@code directory} for {@code mask}; returns the watch descriptor its events carry. The
     * same directory watched again gets the same descriptor, its mask replaced.
     *
     * @throws IOException naming the directory and the errno (ENOSPC: the watch limit,
     *                     {@code fs.inotify.max_user_watches}; ENOTDIR with {@link #IN_ONLYDIR})
     */
    public int watch(Path directory, int mask) throws IOException {
        try {
            return C.LIBRARY.inotify_add_watch(fd, cString(directory), mask);
        } catch (LastErrorException e) {
            throw new IOException("cannot watch " + directory + " with inotify: " + errno(e), e);
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
        List<Event> events = read();
        if (!events.isEmpty() || timeout.isZero()) {
            return events;
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
        pollFd.setShort(6, (short) 0);
        try {
            C.LIBRARY.poll(pollFd, new NativeLong(1), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                throw new IOException("cannot wait for inotify events: " + errno(e), e);
            }
        }
        return read();
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
            events.add(new Event(wd, mask, cookie, end == 0 ? null : new String(name, 0, end, NAMES)));
        }
        return events;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            C.LIBRARY.close(fd);
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
     */
    public record Event(int wd, int mask, int cookie, String name) {

        public boolean is(int flag) {
            return (mask & flag) != 0;
        }
    }

    interface C extends Library {
        C LIBRARY = Native.load("c", C.class);

        int inotify_init1(int flags) throws LastErrorException;

        int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

        int inotify_rm_watch(int fd, int wd) throws LastErrorException;

        int poll(Memory fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        NativeLong read(int fd, Memory buffer, NativeLong count) throws LastErrorException;

        int close(int fd);
    }
}
