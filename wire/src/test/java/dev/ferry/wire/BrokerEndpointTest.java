package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which broker failures end a process at start-up: only a broker never heard from, or one that
 * refused. (A peer that hangs up without a word is one never heard from: cli's
 * FerryCommandLineTest; a broker that answers and then goes away is waited for: cli's
 * BrokerLostAtStartTest.)
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

    /**
     * ActiveMQ's failover transport retries for ever at start by default, so a process given a pair
     * of brokers that are both down would hang instead of saying so and exiting.
     */
    @Test
    @Timeout(30)
    void aFailoverListOfBrokersNoneOfWhichAnswersIsAnUnreachableBrokerToo() throws Exception {
        int first;
        int second;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            first = a.getLocalPort();
            second = b.getLocalPort();
        }
        BrokerEndpoint pair = new BrokerEndpoint(
                "failover:(tcp://127.0.0.1:" + first + ",tcp://127.0.0.1:" + second + ")?randomize=false", null, null);

        BrokerUnreachableException failure = catchThrowableOfType(BrokerUnreachableException.class,
                () -> pair.connect("test", 1));

        assertThat(failure).hasRootCauseInstanceOf(ConnectException.class);
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
