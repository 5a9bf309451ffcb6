package dev.ferry.broker;

import static dev.ferry.broker.EmbeddedBrokerTest.receive;
import static dev.ferry.broker.EmbeddedBrokerTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers on one data directory in one JVM: the second waits as a standby, binding nothing,
 * and takes over with every committed message when the first stops. (Killed, across processes and
 * with clients on a failover URL: the end-to-end StandbyTakeoverTest.)
 */
@Timeout(60)
class StandbyBrokerTest {

    @TempDir
    Path data;

    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    @Test
    void aStandbyWaitsWithoutListeningSaysSoOnceAndTakesOverWithTheCommittedMessages() throws Exception {
        int standbyPort = freePort();
        List<Path> standingBy = new CopyOnWriteArrayList<>();
        EmbeddedBroker active = EmbeddedBroker.start(options(freePort()));
        StandbyBroker standby = new StandbyBroker(options(standbyPort));
        try {
            send(EmbeddedBrokerTest.endpoint(active), "ferry.test", "committed before the takeover");
            Future<EmbeddedBroker> takingOver = background.submit(() -> standby.start(standingBy::add));

            awaitStandingBy(standingBy);
            Thread.sleep(3 * StandbyBroker.POLL.toMillis()); // a few more looks at the lock
            assertThat(standingBy).as("standing-by notices").containsExactly(data.toAbsolutePath());
            assertThat(takingOver).isNotDone();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), standbyPort).close())
                    .as("the standby's port while it waits").isInstanceOf(ConnectException.class);

            Path storeLock = data.resolve("kahadb/lock");
            FileTime lockedByTheActive = Files.getLastModifiedTime(storeLock);
            active.close();
            // The broker it replaces finds out that it lost the store (an NFS lease that expired
            // while its host was cut off) when it sees the lock file rewritten, at its next check:
            // from that rewrite on, the standby holds the lock that long before it writes anything.
            long rewritten = awaitRewrite(storeLock, lockedByTheActive);
            EmbeddedBroker tookOver = takingOver.get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - rewritten)).as("from the rewrite of the store's lock to "
                    + "the standby's start").isGreaterThanOrEqualTo(EmbeddedBroker.LOCK_KEEP_ALIVE);
            assertThat(URI.create(tookOver.connectUrl()).getPort()).isEqualTo(standbyPort);
            assertThat(receive(EmbeddedBrokerTest.endpoint(tookOver), "ferry.test"))
                    .isEqualTo("committed before the takeover");
        } finally {
            active.close();
            standby.close();
        }
    }

    /**
     * With Ferry's defaults a failover URL is a list tried in order at each connect: a connection that
     * loses its broker fails (Ferry's reconnect loops take it from there), and the next connect
     * reaches whichever broker is active.
     */
    @Test
    void aFailoverUrlReachesWhicheverBrokerOfThePairIsActive() throws Exception {
        int activePort = freePort();
        int standbyPort = freePort();
        BrokerEndpoint pair = new BrokerEndpoint("failover:(tcp://127.0.0.1:" + activePort + ",tcp://127.0.0.1:"
                + standbyPort + ")?randomize=false", null, null);
        List<Path> standingBy = new CopyOnWriteArrayList<>();
        EmbeddedBroker active = EmbeddedBroker.start(options(activePort));
        StandbyBroker standby = new StandbyBroker(options(standbyPort));
        Connection connection = pair.connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue("ferry.test"));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            sender.send(session.createTextMessage("to the first"));
            assertThat(BrokerEndpoint.answeredBy(connection, pair.url())).endsWith(":" + activePort);
            Future<EmbeddedBroker> takingOver = background.submit(() -> standby.start(standingBy::add));
            awaitStandingBy(standingBy);
            active.close();
            takingOver.get(20, TimeUnit.SECONDS);

            assertThatThrownBy(() -> sender.send(session.createTextMessage("on the lost connection")))
                    .as("a send on the connection whose broker went away").isInstanceOf(JMSException.class);
            send(pair, "ferry.test", "to the second");
            Connection again = pair.connect("test", 1);
            try {
                assertThat(BrokerEndpoint.answeredBy(again, pair.url())).endsWith(":" + standbyPort);
            } finally {
                again.close();
            }
            assertThat(receive(pair, "ferry.test")).isEqualTo("to the first");
            assertThat(receive(pair, "ferry.test")).isEqualTo("to the second");
        } finally {
            connection.close();
            active.close();
            standby.close();
        }
    }

    /** Polls until {@code file}'s modification time is no longer {@code before}; returns when (nanoTime). */
    private static long awaitRewrite(Path file, FileTime before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && !Files.getLastModifiedTime(file).equals(before)) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new AssertionError(file + " was not rewritten within 20 s");
    }

    @Test
    void closingAStandbyEndsItsWait() throws Exception {
        try (EmbeddedBroker active = EmbeddedBroker.start(options(freePort()))) {
            StandbyBroker standby = new StandbyBroker(options(freePort()));
            List<Path> standingBy = new CopyOnWriteArrayList<>();
            Future<EmbeddedBroker> waiting = background.submit(() -> standby.start(standingBy::add));
            awaitStandingBy(standingBy);

            standby.close();

            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InterruptedException.class);
            send(EmbeddedBrokerTest.endpoint(active), "ferry.test", "the active one is untouched");
        }
    }

    private BrokerOptions options(int port) {
        return BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:" + port));
    }

    private static void awaitStandingBy(List<Path> standingBy) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (standingBy.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(standingBy).as("the standby said it stands by").isNotEmpty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
