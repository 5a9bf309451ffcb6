package dev.ferry.cli.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service it started is doing, as sd_notify(3) does: {@code READY=1} once
 * the broker accepts connections or the consumer or producer is connected (so a unit of
 * {@code Type=notify} counts as started only then, and {@code After=} orders by it), then
 * {@code STOPPING=1}. The messages are datagrams to the Unix socket {@code NOTIFY_SOCKET} names;
 * Java's own sockets cannot send those, so the C library's are called through JNA (a library Ferry
 * already carries for its directory watcher). Outside such a service (no {@code NOTIFY_SOCKET}) it
 * does nothing; a message that cannot be sent is logged, never thrown: the service goes on, and
 * systemd says in its own log that it was not told.
 */
public final class ServiceNotifier {

    private static final Logger log = LoggerFactory.getLogger(ServiceNotifier.class);
    private static final ServiceNotifier FROM_ENVIRONMENT = new ServiceNotifier(System.getenv("NOTIFY_SOCKET"));

    private final String socket;
    /** Set by the first message that cannot be sent: the rest are not tried (nor logged) again. */
    private volatile boolean failed;

    ServiceNotifier(String socket) {
        this.socket = socket == null || socket.isEmpty() ? null : socket;
    }

    /** The notifier of this process: to the socket systemd gave it, if any. */
    public static ServiceNotifier ofThisProcess() {
        return FROM_ENVIRONMENT;
    }

    /** The service does what it is for now; {@code status} is what {@code systemctl status} shows. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status.replace('\n', ' '));
    }

    /** The service is stopping. */
    public void stopping() {
        send("STOPPING=1");
    }

    void send(String message) {
        if (socket == null || failed) {
            return;
        }
        try {
            Datagrams.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException | LinkageError e) { // LinkageError: the C library or JNA could not be loaded.
            failed = true;
            log.warn("cannot tell systemd '{}' through {}, nor will try again: {}", message.replace('\n', ' '),
                    socket, e.toString());
        }
    }

    /** One datagram to a Unix socket, through the C library. */
    static final class Datagrams {
        static final int AF_UNIX = 1;
        /** Linux numbers its socket types differently on MIPS, one of Debian's architectures. */
        static final int SOCK_DGRAM = Platform.isMIPS() ? 1 : 2;

        private Datagrams() {
        }

        /**
         * Sends {@code message} to the socket at {@code address}: a path, or a name in Linux's
         * abstract namespace when it starts with '@' (systemd gives either).
         */
        static void send(String address, byte[] message) {
            UnixAddress to = UnixAddress.of(address);
            int fd = C.LIBRARY.socket(AF_UNIX, SOCK_DGRAM, 0); // Closed at once: no need of SOCK_CLOEXEC.
            try {
                C.LIBRARY.sendto(fd, message, new NativeLong(message.length), 0, to, to.length);
            } finally {
                C.LIBRARY.close(fd);
            }
        }
    }

    /** The C library's calls this uses, bound on first use. */
    interface C extends Library {
        C LIBRARY = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, UnixAddress address, int length) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, UnixAddress to, int toLength)
                throws LastErrorException;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

        int close(int fd);
    }

    /** {@code struct sockaddr_un}: the family, then up to 108 bytes of path. */
    @Structure.FieldOrder({"family", "path"})
    public static final class UnixAddress extends Structure {
        public short family = (short) Datagrams.AF_UNIX;
        public byte[] path = new byte[108];
        /** The length to pass with it: the family and the path's bytes (with its NUL, unless abstract). */
        transient int length;

        static UnixAddress of(String address) {
            byte[] name = address.getBytes(StandardCharsets.UTF_8);
            boolean abstractName = address.startsWith("@");
            if (name.length >= 108) {
                throw new IllegalArgumentException("a Unix socket's address is at most 107 bytes: " + address);
            }
            UnixAddress unix = new UnixAddress();
            System.arraycopy(name, 0, unix.path, 0, name.length);
            if (abstractName) {
                unix.path[0] = 0;
            }
            unix.length = 2 + name.length + (abstractName ? 0 : 1);
            return unix;
        }
    }
}
