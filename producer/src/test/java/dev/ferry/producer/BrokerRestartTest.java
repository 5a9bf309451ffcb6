package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away under a watching producer and comes back on the same address and store. */
class BrokerRestartTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aFileCreatedWhileTheBrokerWasDownArrivesOnceItIsBack() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "tcp://127.0.0.1:" + port;
        BrokerEndpoint endpoint = new BrokerEndpoint(url, null, null);
        SourceFixture tree = new SourceFixture(dir);
        String queue = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, tree.settings().queue());
        BrokerService broker = startBroker(url);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Producer producer = Producer.open(tree.settings(), endpoint)) {
            tree.write("before.txt", "published before the broker went away");
            Future<?> watching = executor.submit(() -> {
                producer.watch();
                return null;
            });
            assertThat(receiveUntil(endpoint, queue, "put before.txt")).contains("put before.txt");

            broker.stop();
            broker.waitUntilStopped();
            tree.write("during.txt", "created while the broker was down");
            broker = startBroker(url);

            assertThat(receiveUntil(endpoint, queue, "put during.txt")).contains("put during.txt");
            assertThat(watching.isDone()).as("the producer kept running").isFalse();
            producer.close();
            watching.get(15, TimeUnit.SECONDS); // A clean stop.
        } finally {
            executor.shutdownNow();
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    private BrokerService startBroker(String url) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("producer-restart");
        broker.setDataDirectoryFile(dir.resolve("broker").toFile());
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.addConnector(url);
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    /** Takes the messages off the queue until {@code change} arrives, or for 30 s; returns the changes taken. */
    private static List<String> receiveUntil(BrokerEndpoint endpoint, String queue, String change) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = new ArrayList<>();
        try (Connection connection = endpoint.connect(null, 10)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (System.nanoTime() < deadline) {
                Message message = consumer.receive(200);
                if (message != null) {
                    EventMessages.decode(message).forEach(event -> seen.add(RecordingSink.describe(event)));
                    if (seen.contains(change)) {
                        break;
                    }
                }
            }
        }
        return seen;
    }
}
