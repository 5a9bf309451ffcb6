package dev.ferry.cli.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLong;
import dev.ferry.cli.systemd.ServiceNotifier.C;
import dev.ferry.cli.systemd.ServiceNotifier.Datagrams;
import dev.ferry.cli.systemd.ServiceNotifier.UnixAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What systemd would receive on NOTIFY_SOCKET: a socket of that kind is bound here and read. */
class ServiceNotifierTest {

    private static final int MSG_DONTWAIT = 0x40;

    @TempDir
    Path dir;

    @Test
    void readyReachesASocketNamedByItsPath() {
        String address = dir.resolve("notify").toString();
        try (Receiver systemd = new Receiver(address)) {
            assertThat(Path.of(address)).as("bound at that path").exists();
            new ServiceNotifier(address).ready("listening on tcp://127.0.0.1:61616\nsecond line");

            assertThat(systemd.next()).isEqualTo("READY=1\nSTATUS=listening on tcp://127.0.0.1:61616 second line");
        }
    }

    @Test
    void stoppingReachesASocketOfTheAbstractNamespace() throws Exception {
        String address = "@ferry-test-" + UUID.randomUUID();
        try (Receiver systemd = new Receiver(address)) {
            assertThat(Files.readAllLines(Path.of("/proc/net/unix"))).as("bound in the abstract namespace")
                    .anyMatch(line -> line.endsWith(" " + address));
            assertThat(Path.of(address)).as("no file of that name").doesNotExist();
            new ServiceNotifier(address).stopping();

            assertThat(systemd.next()).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void withoutASocketNothingIsSentAndASocketThatIsGoneIsNoError() {
        new ServiceNotifier(null).ready("nobody listens");
        new ServiceNotifier("").ready("nobody listens");
        new ServiceNotifier(dir.resolve("absent").toString()).ready("logged, not thrown");
    }

    /** A datagram socket bound at an address, as systemd binds NOTIFY_SOCKET. */
    private static final class Receiver implements AutoCloseable {
        private final int fd;

        Receiver(String address) {
            UnixAddress at = UnixAddress.of(address);
            fd = C.LIBRARY.socket(Datagrams.AF_UNIX, Datagrams.SOCK_DGRAM, 0);
            C.LIBRARY.bind(fd, at, at.length);
        }

        /** The datagram waiting; a send to a local socket has queued it by the time it returns. */
        String next() {
            byte[] buffer = new byte[4096];
            long read = C.LIBRARY.recv(fd, buffer, new NativeLong(buffer.length), MSG_DONTWAIT).longValue();
            return new String(buffer, 0, (int) read, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            C.LIBRARY.close(fd);
        }
    }
}
