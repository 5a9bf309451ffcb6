package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away under a watching producer and comes back on the same address and store. */
class BrokerRestartTest {

    @TempDir
    Path dir;

    String url;
    BrokerEndpoint endpoint;
    SourceFixture tree;

    @BeforeEach
    void aBrokerAddressAndASource() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            url = "tcp://127.0.0.1:" + socket.getLocalPort();
        }
        endpoint = new BrokerEndpoint(url, null, null);
        tree = new SourceFixture(dir);
    }

    @Test
    @Timeout(60)
    void aFileCreatedWhileTheBrokerWasDownArrivesOnceItIsBack() throws Exception {
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

    @Test
    @Timeout(60)
    void aBrokerStoppedMidTransactionLeavesNoHoleAndNoRepeatInTheNumbersOfTheStream() throws Exception {
        for (int i = 0; i < 40; i++) {
            tree.write("top" + i + "/file.txt", "file " + i); // 40 groups: few share a bundle.
        }
        ProducerSettings settings = tree.settings(Duration.ofMillis(50), 4);
        String queue = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, settings.queue());
        BrokerService[] broker = {startBroker(url)};
        CountDownLatch stopped = new CountDownLatch(1);
        ChangeSink stopping = new ForwardingSink(JmsChangeSink.open(endpoint, settings.queue(), settings.mirrors())) {
            StreamSequence stream;

            @Override
            public void useStream(StreamSequence sequence) {
                stream = sequence;
                super.useStream(sequence);
            }

            @Override
            public void send(ChangeEvent event, byte[] body, int length) throws IOException {
                // Past the twentieth message, once two are sent that the broker has not committed.
                if (stopped.getCount() > 0 && stream.last() > 20 && stream.last() - stream.committed() >= 2) {
                    stopBroker(broker[0]);
                    stopped.countDown();
                }
                super.send(event, body, length);
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Producer producer = Producer.open(settings, stopping, SourceFixture.SETTLED_CLOCK)) {
            Future<PublishSummary> publishing = executor.submit(producer::publishOnce);
            assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
            broker[0] = startBroker(url);
            publishing.get(30, TimeUnit.SECONDS);

            Map<Long, List<String>> numbered = numberedChanges(endpoint, queue);
            assertThat(numbered.keySet()).as("1, 2, 3, ... without a hole or a repeat")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, numbered.size()).boxed().toList());
            assertThat(numbered.values().stream().flatMap(List::stream).filter(change -> change.startsWith("put")))
                    .hasSize(40);
        } finally {
            executor.shutdownNow();
            stopBroker(broker[0]);
        }
    }

    @Test
    @Timeout(90)
    void aRepairUnderWayWhenTheBrokerRestartsIsAnsweredAgainOnceItIsBack() throws Exception {
        for (int i = 0; i < 200; i++) {
            tree.write("bulk/" + i + ".bin", SourceFixture.bytes(16 * 1024));
        }
        ProducerSettings settings = tree.settings(Duration.ofMillis(50), 4).withMirrors(List.of());
        BrokerService[] broker = {startBroker(url)};
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Path dst = dir.resolve("mirror");
        try (Producer before = Producer.open(settings, endpoint)) {
            before.publishOnce(); // So that the mirror, which joins later, gets everything from its repair.
        }
        try (Producer producer = Producer.open(settings, endpoint)) {
            Future<?> watching = executor.submit(() -> {
                producer.watch();
                return null;
            });
            String id;
            try (HandMirror late = new HandMirror(endpoint, settings.queue(), "late", dst)) {
                id = late.requestRepair();
                late.describe((RepairMessage.RepairDescribe) late.awaitAnswer(id, Duration.ofSeconds(30)));
                late.awaitFirstEvent(Duration.ofSeconds(30));
            }
            stopBroker(broker[0]); // Mid-answer: its listing not yet acknowledged, its transactions half sent.
            broker[0] = startBroker(url);

            try (HandMirror late = new HandMirror(endpoint, settings.queue(), "late", dst)) {
                assertThat(late.awaitAnswer(id, Duration.ofSeconds(60))).isInstanceOf(RepairMessage.RepairDone.class);
                late.drain(Duration.ofMillis(500));
                assertThat(late.equals(tree.source)).isTrue();
            }
            producer.close();
            watching.get(15, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
            stopBroker(broker[0]);
        }
    }

    /** Takes every message off the queue; returns each one's changes by its number in the stream. */
    private static Map<Long, List<String>> numberedChanges(BrokerEndpoint endpoint, String queue) throws Exception {
        Map<Long, List<String>> numbered = new TreeMap<>();
        try (Connection connection = endpoint.connect(null, 10)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (Message message = consumer.receive(5_000); message != null; message = consumer.receive(500)) {
                long seq = message.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY);
                List<String> changes = EventMessages.decode(message).stream().map(RecordingSink::describe).toList();
                assertThat(numbered.put(seq, changes)).as("message %d seen once", seq).isNull();
            }
        }
        return numbered;
    }

    /**
     * The broker dies while a commit is inside the client, after the session's check that it is
     * open: the client fails there with a NullPointerException, which ended a producer (seen in a
     * standby takeover test). It is the broker's loss, to be waited out like any other.
     */
    @Test
    @Timeout(60)
    void aBrokerLostInTheMiddleOfACommitIsTheBrokersLossNotAFault() throws Exception {
        BrokerService broker = startBroker(url);
        try {
            Connection connection = endpoint.connect("producer", 1);
            try (JmsChangeSink sink = JmsChangeSink.open(connection, endpoint, "ferry.lost", List.of(WireFormat.DEFAULT_MIRROR));
                 BrokerLostInCommit loss = new BrokerLostInCommit(connection, () -> stopBroker(broker))) {
                sink.useStream(StreamSequence.start());
                sink.send(new ChangeEvent.Delete(RelPath.of("gone.txt"), 1), null, 0);

                Throwable thrown = catchThrowable(sink::commit);

                assertThat(loss.happened()).as("the commit was held while the broker was lost").isTrue();
                assertThat(thrown).isInstanceOf(BrokerUnavailableException.class).hasMessageContaining(url);
                assertThat(thrown.getCause().getSuppressed()).as("the client's failure, explained as the loss")
                        .hasAtLeastOneElementOfType(NullPointerException.class);
            }
        } finally {
            stopBroker(broker);
        }
    }

    /**
     * close() closes the sink under a commit that did not finish in time (a stop while the broker
     * is slow): the commit fails as a closed sink's, not with the client's NullPointerException.
     */
    @Test
    @Timeout(60)
    void aSinkClosedUnderACommitFailsAsClosedNotAsAFault() throws Exception {
        BrokerService broker = startBroker(url);
        try {
            Connection connection = endpoint.connect("producer", 1);
            JmsChangeSink sink = JmsChangeSink.open(connection, endpoint, "ferry.closed",
                    List.of(WireFormat.DEFAULT_MIRROR));
            try (sink; BrokerLostInCommit closed = BrokerLostInCommit.closedInCommit(connection, sink::close)) {
                sink.useStream(StreamSequence.start());
                sink.send(new ChangeEvent.Delete(RelPath.of("gone.txt"), 1), null, 0);

                Throwable thrown = catchThrowable(sink::commit);

                assertThat(closed.happened()).as("the commit was held while the sink was closed").isTrue();
                assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(BrokerUnavailableException.class)
                        .hasMessageContaining("closed");
            }
        } finally {
            stopBroker(broker);
        }
    }

    private static void stopBroker(BrokerService broker) {
        try {
            broker.stop();
            broker.waitUntilStopped();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private BrokerService startBroker(String url) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("producer-restart");
        broker.setDataDirectoryFile(dir.resolve("broker").toFile());
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()}); // Asked before a repair is answered.
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
