package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.EventCodec;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.activemq.broker.BrokerService;

/**
 * Given a backlog of hostile messages and one good change behind them on a real (in-process)
 * broker, when the consumer drains the queue, then the good change is applied, exactly the
 * messages that cannot apply are on the dead-letter queue with a reason, and nothing outside the
 * destination changed.
 */
@AddLifecycleHook(PrintableFailures.class)
class HostileQueueTest {

    private static final String INDEX = "testIndex";
    /** Far more than a drain of 100 messages takes; a consumer stuck retrying one message exceeds it. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final AtomicInteger queues = new AtomicInteger();
    private static BrokerService broker;
    private static BrokerEndpoint endpoint;

    @BeforeContainer
    static void startBroker() throws Exception {
        broker = InMemoryBroker.start("hostile-queue-test");
        endpoint = new BrokerEndpoint("vm://hostile-queue-test?create=false", null, null);
    }

    @AfterContainer
    static void stopBroker() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }

    @Provide
    Arbitrary<List<WireMessage>> backlogs() {
        return HostileMessages.backlogs(50, 100);
    }

    /** One message per transaction makes the outcome exact; a full batch also exercises supersession. */
    @Provide
    Arbitrary<Integer> batchSizes() {
        return Arbitraries.of(1, 256);
    }

    @Property(tries = 4)
    void aDrainedBacklogLeavesTheGoodChangeAppliedAndTheRestDeadLettered(
            @ForAll("backlogs") List<WireMessage> backlog, @ForAll("batchSizes") int batchMessages) throws Exception {
        String stream = "ferry.hostile." + queues.incrementAndGet();
        String queue = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, stream);
        List<WireMessage> messages = new ArrayList<>(backlog);
        messages.add(WireMessage.of(EventCodec.toJson(Bodies.putFile("zz-good.txt", Long.MAX_VALUE, "good")),
                "good".getBytes(StandardCharsets.UTF_8)));
        send(queue, messages);

        try (Sandbox sandbox = Sandbox.create()) {
            ApplySummary summary = drain(new ConsumerSettings(sandbox.destination(), stream, batchMessages,
                    16L * 1024 * 1024));

            assertThat(sandbox.destination().resolve("zz-good.txt")).hasContent("good");
            Map<Integer, String> deadLetters = deadLetters(queue);
            assertThat(deadLetters.values()).as("dead-letter reasons").allSatisfy(r -> assertThat(r).isNotBlank());
            assertThat(deadLetters).as("dead letters").doesNotContainKey(messages.size() - 1);
            assertThat(deadLetters.keySet()).as("dead letters").containsAll(rejectedByDecoder(messages));
            if (batchMessages == 1) {
                assertThat(deadLetters.keySet()).as("dead letters").isEqualTo(deadLetteredOneByOne(messages));
            }
            assertThat(summary.deadLettered()).isEqualTo(deadLetters.size());
            assertThat(remaining(queue)).as("messages left on the queue").isZero();
            sandbox.assertConfined();
        }
    }

    /** Drains the queue, failing (rather than hanging) if a message keeps the consumer from finishing. */
    private static ApplySummary drain(ConsumerSettings settings) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Consumer consumer = Consumer.open(settings, endpoint)) {
            return executor.submit(consumer::drain).get(DRAIN_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    /** The messages the decoder alone rejects: dead-lettered whatever the batching. */
    private static Set<Integer> rejectedByDecoder(List<WireMessage> messages) throws Exception {
        Set<Integer> rejected = new TreeSet<>();
        for (int i = 0; i < messages.size(); i++) {
            if (Delivery.isRejectedByDecoder(messages.get(i))) {
                rejected.add(i);
            }
        }
        return rejected;
    }

    /** What a consumer applying one message per transaction dead-letters: the reference outcome. */
    private static Set<Integer> deadLetteredOneByOne(List<WireMessage> messages) throws Exception {
        Set<Integer> deadLettered = new TreeSet<>();
        try (Sandbox sandbox = Sandbox.create(); Replica replica = sandbox.openReplica()) {
            for (int i = 0; i < messages.size(); i++) {
                WireMessage message = messages.get(i);
                Delivery.Outcome outcome = Delivery.deliver(replica, message);
                if (outcome.deadLettered()) {
                    deadLettered.add(i);
                }
                replica.makeDurable(!message.text() && message.body().length > 0, outcome.seenSeq());
            }
        }
        return deadLettered;
    }

    private static void send(String queue, List<WireMessage> messages) throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < messages.size(); i++) {
                Message message = messages.get(i).toSend(session);
                message.setIntProperty(INDEX, i);
                producer.send(message);
            }
            session.commit();
        }
    }

    /** The dead-lettered messages by their place in the backlog, with their reasons. */
    private static Map<Integer, String> deadLetters(String queue) throws Exception {
        Map<Integer, String> reasons = new HashMap<>();
        for (Message message : browse(WireFormat.deadLetterQueueOf(queue))) {
            reasons.put(message.getIntProperty(INDEX),
                    message.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY));
        }
        return reasons;
    }

    private static int remaining(String queue) throws Exception {
        return browse(queue).size();
    }

    private static List<Message> browse(String queue) throws Exception {
        try (Connection connection = endpoint.connect(null, 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue));
            List<Message> messages = new ArrayList<>();
            Enumeration<?> browsed = browser.getEnumeration();
            while (browsed.hasMoreElements()) {
                messages.add((Message) browsed.nextElement());
            }
            return messages;
        }
    }
}
