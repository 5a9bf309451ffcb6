package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class TlsProbeTest {

    @Test
    void everySslAddressOfAFailoverListIsFoundWithItsHostNameCheck() {
        assertThat(TlsProbe.sslAddresses(
                "failover:(ssl://a.example:61617?socket.verifyHostName=false,tcp://b:61616,ssl://[::1]:61618)?randomize=false"))
                .containsExactly(new TlsProbe.Address("a.example", 61617, false),
                        new TlsProbe.Address("::1", 61618, true));
        assertThat(TlsProbe.sslAddresses("tcp://localhost:61616")).isEmpty();
    }

    @Test
    void aPeerThatDoesNotSpeakTlsFailsTheHandshake() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
                    out.write("this is not TLS\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    peer.getInputStream().read(); // Until the client gives up.
                } catch (Exception ignored) {
                    // The client hung up.
                }
            });
            answering.setDaemon(true);
            answering.start();
            SSLException failure = TlsProbe.handshakeFailure("ssl://127.0.0.1:" + server.getLocalPort(),
                    SSLContext.getDefault(), Duration.ofSeconds(5));
            assertThat(failure).isNotNull();
        }
    }

    @Test
    void aRefusedConnectionIsNoTlsFailure() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThat(TlsProbe.handshakeFailure("ssl://127.0.0.1:" + port, SSLContext.getDefault(), Duration.ofSeconds(5)))
                .isNull();
    }
}
