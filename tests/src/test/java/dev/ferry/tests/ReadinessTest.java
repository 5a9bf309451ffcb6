package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Structure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a systemd unit of {@code Type=notify} hears from Ferry (the Debian package's units are):
 * {@code READY=1} once the broker accepts connections and once the consumer and the producer are
 * connected, {@code STOPPING=1} as they stop. No systemd can run here, so the test binds the
 * datagram socket systemd would and names it in {@code NOTIFY_SOCKET}, as systemd does.
 */
@Timeout(value = 3, unit = MINUTES)
class ReadinessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void eachServiceSaysItIsReadyOnceItIsAndThatItStops() throws Exception {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.workspace().resolve("destination");
        String url = "tcp://127.0.0.1:" + FreePorts.next();
        // Under /tmp: a socket's path is at most 107 bytes, and the workspace's may be longer.
        try (NotifySocket systemd = new NotifySocket(Files.createTempDirectory("ferry-notify-").resolve("notify"))) {
            List<String> underSystemd = List.of("env", "NOTIFY_SOCKET=" + systemd.path);

            FerryProcess broker = ferry.startUnder(underSystemd, "broker", "--data",
                    ferry.workspace().resolve("data").toString(), "--listen", url);
            assertThat(systemd.next(broker)).isEqualTo("READY=1\nSTATUS=listening on " + url);
            URI listening = URI.create(url);
            try (Socket connected = new Socket()) {
                connected.connect(new InetSocketAddress(listening.getHost(), listening.getPort()), 5_000);
            }

            FerryProcess consumer = ferry.startUnder(underSystemd, "consumer", "--dest", destination.toString(),
                    "--broker", url);
            assertThat(systemd.next(consumer))
                    .isEqualTo("READY=1\nSTATUS=applying mirror 'default' of ferry.changes to " + destination);
            FerryProcess producer = ferry.startUnder(underSystemd, "producer", "--source", source.toString(),
                    "--state", ferry.workspace().resolve("state").toString(), "--broker", url);
            assertThat(systemd.next(producer)).isEqualTo("READY=1\nSTATUS=publishing " + source + " on ferry.changes");
            Convergence.await(source, destination, WAIT, broker, consumer, producer);

            consumer.close(); // SIGTERM, as systemctl stop sends
            assertThat(systemd.next(consumer)).isEqualTo("STOPPING=1");
            assertThat(consumer.waitForExit(Duration.ofSeconds(30))).as("exit status after SIGTERM").isZero();
        }
    }

    /** A Unix datagram socket bound at a path, read through the C library (Java's sockets cannot). */
    private static final class NotifySocket implements AutoCloseable {
        private static final int MSG_DONTWAIT = 0x40;

        final Path path;
        private final int fd;

        NotifySocket(Path path) throws IOException {
            this.path = path;
            Files.deleteIfExists(path);
            Address address = new Address(path.toString());
            fd = C.LIBRARY.socket(1, com.sun.jna.Platform.isMIPS() ? 1 : 2, 0);
            C.LIBRARY.bind(fd, address, 2 + path.toString().getBytes(StandardCharsets.UTF_8).length + 1);
        }

        /** The next datagram, polled until it comes, {@link #WAIT} at most or until {@code from} exits. */
        String next(FerryProcess from) throws InterruptedException {
            byte[] buffer = new byte[4096];
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                long read = C.LIBRARY.recv(fd, buffer, new NativeLong(buffer.length), MSG_DONTWAIT).longValue();
                if (read >= 0) {
                    return new String(buffer, 0, (int) read, StandardCharsets.UTF_8);
                }
                if (!from.isAlive()) {
                    fail("%s exited without a word to systemd", from);
                }
                Thread.sleep(20);
            }
            return fail("%s said nothing to systemd within %s", from, WAIT);
        }

        @Override
        public void close() throws IOException {
            C.LIBRARY.close(fd);
            Files.deleteIfExists(path);
            Files.deleteIfExists(path.getParent());
        }

        interface C extends Library {
            C LIBRARY = Native.load("c", C.class);

            int socket(int domain, int type, int protocol);

            int bind(int fd, Address address, int length);

            NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

            int close(int fd);
        }

        /** {@code struct sockaddr_un}. */
        @Structure.FieldOrder({"family", "path"})
        public static final class Address extends Structure {
            public short family = 1;
            public byte[] path = new byte[108];

            Address(String path) {
                byte[] name = path.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(name, 0, this.path, 0, name.length);
            }
        }
    }
}
