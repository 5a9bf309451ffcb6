package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.putFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away under a running consumer and comes back on the same address. */
class ConsumerReconnectTest {

    private static final String QUEUE = "ferry.reconnect";

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aConsumerWaitsForTheBrokerAndGoesOnWhereItStopped() throws Exception {
        String url = freeTcpUrl();
        BrokerEndpoint endpoint = new BrokerEndpoint(url, null, null);
        BrokerService broker = startBroker(url);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            Future<?> running = executor.submit(() -> {
                consumer.run();
                return null;
            });
            send(endpoint, "before.txt", 1);
            awaitFile(dir.resolve("dst/before.txt"));

            broker.stop();
            broker.waitUntilStopped();
            broker = startBroker(url);
            send(endpoint, "after.txt", 2);

            awaitFile(dir.resolve("dst/after.txt"));
            assertThat(running.isDone()).as("the consumer kept running").isFalse();
            consumer.close();
            running.get(15, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
            broker.stop();
        }
    }

    /**
     * The broker dies while the consumer's commit is inside the client, after the session's check
     * that it is open: the client fails there with a NullPointerException. The link reports it as
     * the broker's loss, which the consumer waits out, reconnecting, rather than a fault that ends it.
     */
    @Test
    @Timeout(60)
    void aBrokerLostInTheMiddleOfACommitIsTheBrokersLossNotAFault() throws Exception {
        String url = freeTcpUrl();
        BrokerEndpoint endpoint = new BrokerEndpoint(url, null, null);
        BrokerService broker = startBroker(url);
        try {
            send(endpoint, "taken.txt", 1);
            Connection connection = endpoint.connect("consumer", 1);
            try (QueueLink link = QueueLink.open(connection, ConsumerSettings.defaults(dir.resolve("dst"), QUEUE),
                         Clock.systemUTC(), FirstContact.NONE);
                 BrokerLostInCommit loss = new BrokerLostInCommit(connection, () -> stop(broker))) {
                assertThat(link.receive(10_000)).as("the message to commit").isNotNull();

                Throwable thrown = catchThrowable(link::commit);

                assertThat(loss.happened()).as("the commit was held while the broker was lost").isTrue();
                assertThat(thrown).isInstanceOf(JMSException.class);
                assertThat(thrown.getSuppressed()).as("the client's failure, explained as the loss")
                        .hasAtLeastOneElementOfType(NullPointerException.class);
            }
        } finally {
            stop(broker);
        }
    }

    private static void stop(BrokerService broker) {
        try {
            broker.stop();
            broker.waitUntilStopped();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String freeTcpUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private BrokerService startBroker(String url) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("reconnect");
        broker.setDataDirectoryFile(dir.resolve("broker").toFile());
        broker.setUseJmx(false);
        broker.addConnector(url);
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    private static void send(BrokerEndpoint endpoint, String path, long seq) throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(
                    session.createQueue(WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE)));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            byte[] body = path.getBytes(StandardCharsets.UTF_8);
            producer.send(EventMessages.encode(session, putFile(path, seq, path), body, body.length));
            session.commit();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(file).exists();
    }
}
