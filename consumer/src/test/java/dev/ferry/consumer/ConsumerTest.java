package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.putFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.ferry.wire.BodyEncoding;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer against a real in-process ActiveMQ broker. */
class ConsumerTest {

    private static final String QUEUE = "ferry.test";
    /** What the producer's topic delivers to mirror default. */
    private static final String MIRROR_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE);

    @TempDir
    Path dir;
    BrokerService broker;
    BrokerEndpoint endpoint;

    @BeforeEach
    void startBroker() throws Exception {
        broker = InMemoryBroker.start("consumer-test");
        endpoint = new BrokerEndpoint("vm://consumer-test?create=false", null, null);
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }

    @Test
    void drainAppliesEverythingWaitingThenReturns() throws Exception {
        send(session -> List.of(
                EventMessages.encode(session, putFile("one.txt", 1, "1"), bytes("1"), 1),
                EventMessages.encode(session, putFile("sub/two.txt", 2, "22"), bytes("22"), 2),
                EventMessages.encode(session, new ChangeEvent.Delete(RelPath.of("one.txt"), 3))));

        ApplySummary summary;
        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            summary = consumer.drain();
        }

        assertThat(summary.messages()).isEqualTo(3);
        assertThat(summary.applied()).as("one.txt is deleted later in the backlog: never written").isEqualTo(2);
        assertThat(dir.resolve("dst/one.txt")).doesNotExist();
        assertThat(dir.resolve("dst/sub/two.txt")).hasContent("22");
        assertThat(countMessages(MIRROR_QUEUE)).isZero();
    }

    @Test
    void eachMirrorAppliesWhatWaitsOnItsOwnQueueAndNothingElse() throws Exception {
        send(WireFormat.mirrorQueueOf("office", QUEUE),
                session -> List.of(EventMessages.encode(session, putFile("office.txt", 1, "o"), bytes("o"), 1)));
        send(WireFormat.mirrorQueueOf("offsite", QUEUE),
                session -> List.of(EventMessages.encode(session, putFile("offsite.txt", 2, "f"), bytes("f"), 1)));
        send(QUEUE, session -> List.of(EventMessages.encode(session, putFile("legacy.txt", 3, "l"), bytes("l"), 1)));

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE).withMirror("office"),
                endpoint)) {
            assertThat(consumer.drain().messages()).isOne();
        }

        assertThat(dir.resolve("dst/office.txt")).hasContent("o");
        assertThat(dir.resolve("dst/offsite.txt")).doesNotExist();
        assertThat(dir.resolve("dst/legacy.txt")).as("the queue of before mirrors is mirror default's").doesNotExist();
        assertThat(countMessages(WireFormat.mirrorQueueOf("offsite", QUEUE))).isOne();
        assertThat(countMessages(QUEUE)).isOne();
    }

    @Test
    void mirrorDefaultDrainsTheBacklogAProducerOfBeforeMirrorsLeftOnTheQueue() throws Exception {
        send(QUEUE, session -> List.of(
                EventMessages.encode(session, putFile("old/one.txt", 1, "1"), bytes("1"), 1),
                EventMessages.encode(session, putFile("old/two.txt", 2, "2"), bytes("2"), 1)));

        ApplySummary summary;
        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            summary = consumer.drain();
        }

        assertThat(summary.messages()).as("a drain that finds its mirror's queue empty still takes the old one's")
                .isEqualTo(2);
        assertThat(dir.resolve("dst/old/one.txt")).hasContent("1");
        assertThat(dir.resolve("dst/old/two.txt")).hasContent("2");
        assertThat(countMessages(QUEUE)).isZero();
    }

    @Test
    void betweenTheQueueOfBeforeMirrorsAndTheMirrorsQueueTheNewerEventWins() throws Exception {
        send(QUEUE, session -> List.of(EventMessages.encode(session, putFile("shared.txt", 3, "old"), bytes("old"), 3)));
        send(session -> List.of(EventMessages.encode(session, putFile("shared.txt", 4, "new"), bytes("new"), 3)));

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            assertThat(consumer.drain().messages()).isEqualTo(2);
        }

        assertThat(dir.resolve("dst/shared.txt")).hasContent("new");
        assertThat(countMessages(QUEUE)).isZero();
        assertThat(countMessages(MIRROR_QUEUE)).isZero();
    }

    @Test
    void theObserverHearsOfEveryCommittedApplyAndDeadLetterAndOfTheIdleQueue() throws Exception {
        send(session -> {
            Message garbage = session.createTextMessage("not an event");
            return List.of(
                    EventMessages.encode(session, putFile("one.txt", 1, "1"), bytes("1"), 1),
                    garbage,
                    EventMessages.encode(session, putFile("sub/two.txt", 2, "22"), bytes("22"), 2));
        });
        List<CommittedBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();
        ConsumerObserver observer = new ConsumerObserver() {
            @Override
            public void committed(CommittedBatch batch) {
                batches.add(batch);
            }

            @Override
            public void idle() {
                idle.incrementAndGet();
            }
        };

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE)
                .withObserver(observer), endpoint)) {
            consumer.drain();
        }

        assertThat(batches.stream().mapToInt(CommittedBatch::messages).sum()).isEqualTo(3);
        assertThat(batches.stream().mapToLong(CommittedBatch::wireBytes).sum()).isEqualTo(3);
        assertThat(batches.stream().flatMap(b -> b.applied().stream()))
                .extracting(e -> e.path().toString()).containsExactly("one.txt", "sub/two.txt");
        assertThat(batches.stream().flatMap(b -> b.deadLettered().stream())).singleElement().satisfies(dead -> {
            assertThat(dead.event()).isNull();
            assertThat(dead.reason()).contains("not a Ferry message");
        });
        assertThat(idle.get()).as("drain ends on an idle queue").isPositive();
    }

    @Test
    void hostileMessagesAreDeadLetteredWithAReasonAndTheGoodOnesAfterThemApply() throws Exception {
        send(session -> {
            BytesMessage climbing = session.createBytesMessage();
            climbing.setIntProperty(WireFormat.VERSION_PROPERTY, 1);
            climbing.setStringProperty(WireFormat.EVENT_PROPERTY, "{\"kind\":\"file\",\"path\":\"../escape.txt\","
                    + "\"seq\":1,\"offset\":0,\"length\":1,\"size\":1,\"sha256\":\"" + "0".repeat(64)
                    + "\",\"mode\":420,\"mtimeNanos\":0}");
            climbing.writeBytes(bytes("x"));
            BytesMessage future = session.createBytesMessage();
            future.setIntProperty(WireFormat.VERSION_PROPERTY, 99);
            Message garbage = session.createTextMessage("rm -rf /");
            ChangeEvent.PutFile lying = putFile("lying.txt", 2, "promised");
            return List.of(climbing, future, garbage,
                    EventMessages.encode(session, lying, bytes("tampered"), 8),
                    EventMessages.encode(session, putFile("good.txt", 3, "good"), bytes("good"), 4));
        });

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            assertThat(consumer.drain().deadLettered()).isEqualTo(4);
        }

        assertThat(dir.resolve("dst/good.txt")).hasContent("good");
        assertThat(dir.resolve("escape.txt")).doesNotExist();
        assertThat(dir.resolve("dst/lying.txt")).doesNotExist();
        List<String> reasons = deadLetterReasons();
        assertThat(reasons).hasSize(4);
        assertThat(reasons).anyMatch(r -> r.contains("'..'"));
        assertThat(reasons).anyMatch(r -> r.contains("unsupported wire version 99"));
        assertThat(reasons).anyMatch(r -> r.contains("not a Ferry message"));
        assertThat(reasons).anyMatch(r -> r.contains("SHA-256 mismatch for lying.txt"));
    }

    @Test
    void aBundleEntryThatCannotBeReadIsDeadLetteredAndTheFilesBesideItAreStillApplied() throws Exception {
        send(session -> {
            List<ChangeEvent.PutFile> files = List.of(putFile("a.txt", 1, "alpha"), putFile("b.txt", 2, "be"),
                    putFile("c.txt", 3, "see"));
            BytesMessage bundle = EventMessages.encodeBundle(session, files, bytes("alphabesee"), 10);
            String json = bundle.getStringProperty(WireFormat.BUNDLE_PROPERTY);
            bundle.setStringProperty(WireFormat.BUNDLE_PROPERTY, json.replace("\"b.txt\"", "\"../b.txt\""));
            return List.of(bundle);
        });

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            assertThat(consumer.drain().deadLettered()).isOne();
        }

        assertThat(dir.resolve("dst/a.txt")).hasContent("alpha");
        assertThat(dir.resolve("dst/c.txt")).hasContent("see");
        assertThat(dir.resolve("dst/b.txt")).doesNotExist();
        assertThat(dir.resolve("b.txt")).doesNotExist();
        assertThat(deadLetterReasons()).singleElement().asString()
                .contains("bundle entry 2 of 3").contains("'..'");
    }

    @Test
    void compressedFilesAndBundlesAreAppliedAsTheirSourceHadThem() throws Exception {
        String text = "a line of text that compresses, as source code does\n".repeat(500);
        List<ChangeEvent.PutFile> small = List.of(putFile("d/a.txt", 2, text), putFile("d/b.txt", 3, text + "b"));
        send(session -> List.of(
                EventMessages.encode(session, putFile("big.txt", 1, text), zstd(bytes(text))),
                EventMessages.encodeBundle(session, small, zstd(bytes(text + text + "b")))));

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            assertThat(consumer.drain().deadLettered()).isZero();
        }

        assertThat(dir.resolve("dst/big.txt")).hasContent(text);
        assertThat(dir.resolve("dst/d/a.txt")).hasContent(text);
        assertThat(dir.resolve("dst/d/b.txt")).hasContent(text + "b");
    }

    /**
     * Two messages that claim 1 KiB and inflate to 100 MiB, one whose frame says so and one whose
     * frame does not: both are dead-lettered with the reason, nothing is written, and the consumer
     * never makes room for what they inflate to.
     */
    @Test
    void anInflationBombIsDeadLetteredWithoutBeingInflated() throws Exception {
        byte[] zeros = new byte[100 * 1024 * 1024];
        byte[] saying = new ZstdCompressCtx().setLevel(1).setContentSize(true).compress(zeros);
        byte[] hiding = new ZstdCompressCtx().setLevel(1).setContentSize(false).compress(zeros);
        zeros = null;
        String kib = "k".repeat(1024);
        send(session -> List.of(bomb(session, putFile("bomb.txt", 1, kib), saying),
                bomb(session, putFile("hidden/bomb.txt", 2, kib), hiding),
                EventMessages.encode(session, putFile("good.txt", 3, "good"), bytes("good"), 4)));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();

        long allocated;
        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThat(consumer.drain().deadLettered()).isEqualTo(2);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertThat(dir.resolve("dst/good.txt")).hasContent("good");
        assertThat(dir.resolve("dst/bomb.txt")).doesNotExist();
        assertThat(dir.resolve("dst/hidden/bomb.txt")).doesNotExist();
        assertThat(allocated).as("bytes the consumer's thread allocated").isLessThan(32L * 1024 * 1024);
        assertThat(deadLetterReasons()).containsExactlyInAnyOrder(
                "the body of PutFile bomb.txt is a zstd frame of 104857600 bytes, but its event declares 1024",
                "the body of PutFile hidden/bomb.txt does not decode to the 1024 bytes its event declares: "
                        + "Destination buffer is too small");
    }

    /** A version 4 message claiming {@code file}, whose body is {@code frame}. */
    private static BytesMessage bomb(Session session, ChangeEvent.PutFile file, byte[] frame) throws Exception {
        return EventMessages.encode(session, file, new EncodedBody(BodyEncoding.ZSTD, frame, frame.length));
    }

    private static EncodedBody zstd(byte[] body) {
        byte[] frame = new byte[BodyEncoding.maxEncodedLength(body.length)];
        return new EncodedBody(BodyEncoding.ZSTD, frame, BodyEncoding.compress(body, body.length, frame));
    }

    /** Found in review: a bundle property present but null made a single event look like a bundle. */
    @Test
    void aBundlePropertyThatIsThereButNullIsNoBundleAndKillsNothing() throws Exception {
        send(session -> {
            BytesMessage delete = EventMessages.encode(session, new ChangeEvent.Delete(RelPath.of("gone.txt"), 1));
            delete.setStringProperty(WireFormat.BUNDLE_PROPERTY, null);
            return List.of(delete, EventMessages.encode(session, putFile("after.txt", 2, "after"), bytes("after"), 5));
        });

        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            consumer.drain();
        }

        assertThat(dir.resolve("dst/after.txt")).hasContent("after");
    }

    @Test
    void aRunningConsumerAppliesLiveEventsAndStopsWhenClosed() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Consumer consumer = Consumer.open(ConsumerSettings.defaults(dir.resolve("dst"), QUEUE), endpoint)) {
            Future<?> running = executor.submit(() -> {
                consumer.run();
                return null;
            });
            send(session -> List.of(EventMessages.encode(session, putFile("live.txt", 1, "live"), bytes("live"), 4)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(dir.resolve("dst/live.txt")) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertThat(dir.resolve("dst/live.txt")).hasContent("live");
            consumer.close();
            running.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    interface Messages {
        List<Message> build(Session session) throws Exception;
    }

    /** Sends {@code messages} to mirror default's queue, as the producer's topic would. */
    private void send(Messages messages) throws Exception {
        send(MIRROR_QUEUE, messages);
    }

    private void send(String queue, Messages messages) throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (Message message : messages.build(session)) {
                producer.send(message);
            }
            session.commit();
        }
    }

    private int countMessages(String queue) throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue));
            return Collections.list(browser.getEnumeration()).size();
        }
    }

    private List<String> deadLetterReasons() throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(WireFormat.deadLetterQueueOf(MIRROR_QUEUE)));
            List<String> reasons = new java.util.ArrayList<>();
            for (Object m : Collections.list(browser.getEnumeration())) {
                reasons.add(WireText.unescape(((Message) m).getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY)));
            }
            return reasons;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
