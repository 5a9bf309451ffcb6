package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which broker failures end a process at start-up: only a broker never heard from, or one that
 * refused. (A broker that answers and then goes away is waited for: see the consumer's
 * ConsumerReconnectTest and the producer's BrokerRestartTest, which kill one mid-set-up.)
 */
class BrokerEndpointTest {

    @Test
    @Timeout(30)
    void nothingListeningAtTheAddressIsAnUnreachableBroker() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        BrokerUnreachableException failure = catchThrowableOfType(BrokerUnreachableException.class,
                () -> endpoint(port).connect("test", 1));

        assertThat(failure).hasMessageContaining("Connection refused").hasRootCauseInstanceOf(ConnectException.class);
        assertThat(BrokerFailures.isLostAtStart(failure)).isFalse();
    }

    @Test
    @Timeout(30)
    void aPeerThatHangsUpWithoutAWordIsAnUnreachableBroker() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread hangingUp = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket peer = server.accept()) {
                        // Closed at once, before any broker would have said a word.
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            hangingUp.setDaemon(true);
            hangingUp.start();

            JMSException failure = catchThrowableOfType(JMSException.class,
                    () -> endpoint(server.getLocalPort()).connect("test", 1));

            assertThat(failure).isInstanceOf(BrokerUnreachableException.class);
        }
    }

    @Test
    void aRefusedLoginOrQueueEndsTheStartAndAnyOtherFailureIsALostBroker() {
        JMSException refusedLogin = new JMSSecurityException("User name [x] or password is invalid.");
        JMSException forbiddenQueue = new InvalidDestinationException("no such queue");
        JMSException cutOff = new JMSException("Disposed due to prior exception");

        assertThat(BrokerFailures.isRefusal(refusedLogin)).isTrue();
        assertThat(BrokerFailures.isRefusal(forbiddenQueue)).isTrue();
        assertThat(BrokerFailures.isLostAtStart(refusedLogin)).isFalse();
        assertThat(BrokerFailures.isLostAtStart(forbiddenQueue)).isFalse();
        assertThat(BrokerFailures.isLostAtStart(cutOff)).isTrue();
    }

    private static BrokerEndpoint endpoint(int port) {
        return new BrokerEndpoint("tcp://127.0.0.1:" + port, null, null);
    }
}
