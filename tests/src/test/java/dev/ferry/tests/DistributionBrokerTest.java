package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.deleteTree;
import static dev.ferry.tests.TestTrees.mode;
import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ferry against a standalone broker from the official ActiveMQ Classic distribution, configured
 * by {@code broker-config/activemq.xml} alone: the stories that work with {@code ferry broker} work
 * with it too, {@code ferry status} included.
 */
@Timeout(value = 3, unit = MINUTES)
class DistributionBrokerTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final String MIRROR_QUEUE = QueueClient.DEFAULT_MIRROR_QUEUE;
    private static final String OFFSITE_QUEUE = WireFormat.mirrorQueueOf("offsite", QUEUE);
    private static final String DEAD_LETTERS = WireFormat.deadLetterQueueOf(MIRROR_QUEUE);
    private static final String CONTROL = WireFormat.controlQueueOf(QUEUE);
    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration ONE_CHANGE = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);
    private DistributionBroker activemq;
    private Path source;
    private Path destination;

    @BeforeEach
    void aDistributionBrokerWithFerrysConfiguration() {
        activemq = DistributionBroker.in(ferry.workspace());
        ferry.useBroker(activemq.start(), activemq.url());
        source = ferry.directory("source");
        destination = ferry.directory("destination");
    }

    @Test
    void aMixedTreeAndTheChangesToItReachTheMirror() throws IOException {
        TestTrees.mixed(source);
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source);
        FerryProcess[] running = {activemq.process(), consumer, producer};
        Convergence.await(source, destination, INITIAL_SYNC, running);

        writeText(source.resolve("new.txt"), "fresh\n");
        writeText(source.resolve("docs/readme.txt"), text("rewritten", 5000));
        Files.delete(source.resolve("zero.bin"));
        deleteTree(source.resolve("docs/guide"));
        Files.move(source.resolve("data"), source.resolve("data renamed"), StandardCopyOption.ATOMIC_MOVE);
        mode(source.resolve("bin/run.sh"), "rwx------");
        Convergence.await(source, destination, ONE_CHANGE, running);

        // The last transaction may commit a moment after the mirror is complete.
        within(PATIENCE, consumer, () -> assertThat(status())
                .containsPattern("(?m)^messages waiting: 0$")
                .containsPattern("(?m)^consumers attached: 1$")
                .containsPattern("(?m)^dead-lettered: 0\\b")
                // Heartbeats, kept for status by the configuration's subscription recovery policy.
                .containsPattern("(?m)^consumer \\S+:" + consumer.pid() + " of mirror default \\(.*\\): last seen ")
                .containsPattern("(?m)^producer \\S+:" + producer.pid() + " \\(.*\\): last seen "));
    }

    @Test
    void poisonEndsOnTheQueuesOwnDeadLetterQueueAndStatusCountsIt() throws JMSException {
        byte[] good = "a good file\n".getBytes(UTF_8);
        try (QueueClient queue = QueueClient.connect(activemq.url())) {
            // The broker itself dead-letters a message a consumer of a mirror gave up on: with Ferry's
            // configuration into DLQ.<mirror's queue>, not the distribution's default ActiveMQ.DLQ, although
            // the producer sent it to the stream's topic.
            giveUpOnOneMessage(MIRROR_QUEUE, () -> queue.publish(QUEUE, queue.encode(putFile("given up on.txt", good), good)));
            within(PATIENCE, activemq.process(), () -> assertThat(queue.browse(DEAD_LETTERS)).hasSize(1));
            assertThat(queue.browse("ActiveMQ.DLQ")).isEmpty();

            FerryProcess consumer = ferry.consumer(destination);
            consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, PATIENCE);
            queue.publish(QUEUE, queue.session().createTextMessage("not a Ferry event"));
            BytesMessage escape = queue.encode(putFile("placeholder.txt", good), good);
            escape.setStringProperty(WireFormat.EVENT_PROPERTY, escape.getStringProperty(WireFormat.EVENT_PROPERTY)
                    .replace("\"placeholder.txt\"", "\"../escape.txt\""));
            queue.publish(QUEUE, escape);
            queue.publish(QUEUE, queue.encode(putFile("good.txt", good), good));

            within(PATIENCE, consumer, () -> assertThat(destination.resolve("good.txt")).hasBinaryContent(good));
            within(PATIENCE, consumer, () -> assertThat(queue.browse(DEAD_LETTERS)).hasSize(3));
            assertThat(destination.getParent().resolve("escape.txt")).doesNotExist();
            assertThat(TreeSnapshot.of(destination).paths()).containsExactly("good.txt");
        }
        assertThat(ferry.messagesDeadLettered()).isEqualTo(3);
        assertThat(ferry.messagesWaiting()).isZero();
    }

    @Test
    void aConsumerThatWasDownReplaysWhatWasPublishedMeanwhile() throws IOException {
        TestTrees.mixed(source);
        FerryProcess producer = ferry.producer(source);
        FerryProcess consumer = ferry.consumer(destination);
        Convergence.await(source, destination, INITIAL_SYNC, activemq.process(), consumer, producer);
        consumer.close();

        writeText(source.resolve("while away/new.txt"), text("written while the consumer was away", 3000));
        Files.delete(source.resolve("secret.txt"));
        Files.move(source.resolve("old.txt"), source.resolve("renamed while away.txt"));
        producer.waitForLog(FerryLog.publishedPut("while away/new.txt"), 1, PATIENCE);
        producer.waitForLog(FerryLog.publishedDelete("secret.txt"), 1, PATIENCE);
        assertThat(ferry.messagesWaiting()).as("changes published while no consumer was attached").isPositive();

        FerryProcess again = ferry.consumer(destination);
        Convergence.await(source, destination, CATCH_UP, activemq.process(), again, producer);
        within(PATIENCE, again, () -> assertThat(ferry.messagesWaiting()).isZero());
    }

    @Test
    void aBrokerKilledAndRestartedWithItsDataLosesNothing() {
        TestTrees.mixed(source);
        FerryProcess producer = ferry.producer(source);
        FerryProcess consumer = ferry.consumer(destination);
        Convergence.await(source, destination, INITIAL_SYNC, activemq.process(), consumer, producer);

        // Changes in flight when the broker dies, and more while it is gone.
        TestTrees.writeRandom(source.resolve("in flight.bin"), 5L * 1024 * 1024, 11);
        TestTrees.manySmallFiles(source.resolve("in flight"), 50);
        activemq.kill();
        producer.waitForLog(FerryLog.LOST_BROKER, 1, PATIENCE);
        consumer.waitForLog(FerryLog.LOST_BROKER, 1, PATIENCE);
        writeText(source.resolve("while down.txt"), "written while the broker was down\n");
        deleteTree(source.resolve("docs"));

        FerryProcess restarted = activemq.start();
        ferry.useBroker(restarted, activemq.url());
        Convergence.await(source, destination, CATCH_UP, restarted, consumer, producer);
        assertThat(ferry.messagesDeadLettered()).isZero();
    }

    @Test
    void twoMirrorsEachWithItsOwnUserOneOfThemDownWhileTheSourceChanges500TimesAreBothExactAfterwards() {
        // Under the configuration's authorization: the producer's user may not read the mirrors' queues,
        // and reaches them only through the stream's topic; each consumer's user reads only its own.
        long seed = Long.getLong("ferry.mirrors.seed", new SecureRandom().nextLong());
        TwoMirrors.oneAwayWhileTheSourceChanges(ferry, new TwoMirrors.Logins(
                TwoMirrors.Logins.as(DistributionBroker.PRODUCER, DistributionBroker.PRODUCER_PASSWORD),
                TwoMirrors.Logins.as(DistributionBroker.CONSUMER, DistributionBroker.CONSUMER_PASSWORD),
                TwoMirrors.Logins.as(DistributionBroker.OFFSITE, DistributionBroker.OFFSITE_PASSWORD)), seed);
    }

    @Test
    void eachUserMayDoOnlyWhatItsRoleNeeds() throws JMSException {
        assertThatThrownBy(() -> login(DistributionBroker.PRODUCER, "wrong password").close())
                .as("a wrong password").isInstanceOf(JMSSecurityException.class);
        Connection producer = login(DistributionBroker.PRODUCER, DistributionBroker.PRODUCER_PASSWORD);
        Connection consumer = login(DistributionBroker.CONSUMER, DistributionBroker.CONSUMER_PASSWORD);
        Connection offsite = login(DistributionBroker.OFFSITE, DistributionBroker.OFFSITE_PASSWORD);
        try {
            Session receiving = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer mine = receiving.createConsumer(receiving.createQueue(MIRROR_QUEUE));
            Session offsiteSession = offsite.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer offsites = offsiteSession.createConsumer(offsiteSession.createQueue(OFFSITE_QUEUE));

            Session sending = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sending.createProducer(sending.createTopic(WireFormat.changeTopicOf(QUEUE)))
                    .send(sending.createTextMessage("allowed"));
            assertThat(mine.receive(PATIENCE.toMillis())).as("through the topic to mirror default").isNotNull();
            assertThat(offsites.receive(PATIENCE.toMillis())).as("through the topic to mirror offsite").isNotNull();
            assertThatThrownBy(() -> sending.createConsumer(sending.createQueue(MIRROR_QUEUE)))
                    .as("the producer's user reading a mirror's queue").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> sending.createConsumer(sending.createQueue(DEAD_LETTERS)))
                    .as("the producer's user reading a mirror's dead letters").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> sending.createProducer(sending.createQueue(CONTROL))
                    .send(sending.createTextMessage("no")))
                    .as("the producer's user writing the control queue").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> sending.createProducer(sending.createQueue("another.queue")).send(sending.createTextMessage("no")))
                    .as("the producer's user writing another queue").isInstanceOf(JMSSecurityException.class);
            sending.createProducer(sending.createQueue(QUEUE)).send(sending.createTextMessage("as before mirrors"));
            sending.createProducer(sending.createTopic(WireFormat.statusTopicOf(QUEUE))).send(sending.createTextMessage("beat"));

            receiving.createProducer(receiving.createQueue(DEAD_LETTERS)).send(receiving.createTextMessage("dead letter"));
            assertThat(receiving.createConsumer(receiving.createQueue(DEAD_LETTERS)).receive(PATIENCE.toMillis())).isNotNull();
            assertThat(receiving.createConsumer(receiving.createQueue(QUEUE)).receive(PATIENCE.toMillis()))
                    .as("mirror default reads the queue of before mirrors").isNotNull();
            assertThatThrownBy(() -> receiving.createProducer(receiving.createQueue(MIRROR_QUEUE)).send(receiving.createTextMessage("no")))
                    .as("the consumer's user writing its queue").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> receiving.createConsumer(receiving.createQueue(OFFSITE_QUEUE)))
                    .as("the consumer's user reading another mirror's queue").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> receiving.createProducer(receiving.createQueue(OFFSITE_QUEUE))
                    .send(receiving.createTextMessage("no")))
                    .as("the consumer's user writing another mirror's queue").isInstanceOf(JMSSecurityException.class);
            receiving.createProducer(receiving.createQueue(CONTROL)).send(receiving.createTextMessage("a request"));
            assertThatThrownBy(() -> receiving.createConsumer(receiving.createQueue(CONTROL)))
                    .as("the consumer's user reading the control queue").isInstanceOf(JMSSecurityException.class);
            offsiteSession.createProducer(offsiteSession.createQueue(CONTROL))
                    .send(offsiteSession.createTextMessage("a request"));
            assertThatThrownBy(() -> offsiteSession.createConsumer(offsiteSession.createQueue(CONTROL)))
                    .as("the offsite user reading the control queue").isInstanceOf(JMSSecurityException.class);
            Message request = sending.createConsumer(sending.createQueue(CONTROL)).receive(PATIENCE.toMillis());
            assertThat(request).as("the producer's user reading the control queue").isNotNull();
            sending.createProducer(sending.createQueue(MIRROR_QUEUE)).send(sending.createTextMessage("an answer"));
            assertThat(mine.receive(PATIENCE.toMillis())).as("the producer's answer on mirror default's queue")
                    .isNotNull();
            assertThatThrownBy(() -> offsiteSession.createConsumer(offsiteSession.createQueue(MIRROR_QUEUE)))
                    .as("the offsite user reading mirror default's queue").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> offsiteSession.createConsumer(offsiteSession.createQueue(QUEUE)))
                    .as("the offsite user reading the queue of before mirrors").isInstanceOf(JMSSecurityException.class);
            receiving.createProducer(receiving.createTopic(WireFormat.statusTopicOf(QUEUE))).send(receiving.createTextMessage("beat"));
            receiving.createConsumer(receiving.createTopic(WireFormat.statusTopicOf(QUEUE))).close();
        } finally {
            producer.close();
            consumer.close();
            offsite.close();
        }
    }

    @Test
    void aMirrorsUserAsksForARepairAndTheProducersUserAnswersOnThatMirrorsQueueOnly() throws Exception {
        writeText(source.resolve("a.txt"), "a\n");
        writeText(source.resolve("docs/b.txt"), "b\n");
        FerryProcess producer = ferry.producer(source, "--broker-user", DistributionBroker.PRODUCER,
                "--broker-password", DistributionBroker.PRODUCER_PASSWORD);
        try (QueueClient mirror = QueueClient.connect(activemq.url(), DistributionBroker.CONSUMER,
                DistributionBroker.CONSUMER_PASSWORD);
             QueueClient offsite = QueueClient.connect(activemq.url(), DistributionBroker.OFFSITE,
                     DistributionBroker.OFFSITE_PASSWORD);
             QueueClient admin = QueueClient.connect(activemq.url())) {
            MessageConsumer queue = mirror.session().createConsumer(mirror.session().createQueue(MIRROR_QUEUE));
            producer.waitForLog(FerryLog.publishedPut("docs/b.txt"), 1, PATIENCE);

            // An empty mirror asks: its one directory's digest, then, asked for it, its empty listing.
            String id = UUID.randomUUID().toString();
            mirror.send(CONTROL, repairMessage(mirror, new RepairRequest(id, WireFormat.DEFAULT_MIRROR,
                    Map.of("", DirectoryDigest.builder().digest())), MIRROR_QUEUE));
            RepairDescribe describe = (RepairDescribe) awaitRepair(queue, id, new ArrayList<>());
            mirror.send(CONTROL, repairMessage(mirror, new RepairEntries(id, describe.directories().stream()
                    .collect(Collectors.toMap(directory -> directory, directory -> List.of()))), MIRROR_QUEUE));
            List<ChangeEvent> answer = new ArrayList<>();
            RepairDone done = (RepairDone) awaitRepair(queue, id, answer);

            assertThat(answer).extracting(event -> event.path().text()).contains("a.txt", "docs", "docs/b.txt");
            assertThat(done.sent()).isEqualTo(answer.size());

            // Another mirror's user invents a mirror: no answer, and no queue made for it.
            String ghost = WireFormat.mirrorQueueOf("ghost", QUEUE);
            offsite.send(CONTROL, repairMessage(offsite, new RepairRequest("r-ghost", "ghost",
                    Map.of("", DirectoryDigest.builder().digest())), ghost));
            within(PATIENCE, producer, () -> assertThat(admin.statistics(CONTROL, PATIENCE).size()).isZero());
            assertThat(admin.statistics(ghost, PATIENCE)).as("a mirror made by a request").isNull();
            producer.waitForLog("not answering repair r-ghost of mirror ghost: its queue "
                    + Pattern.quote(ghost) + " is not on the broker", 1, Duration.ofSeconds(5));
        }
    }

    @Test
    void aSignedEncryptedStreamReachesTheMirrorWithItsKeyExactlyAndIsDeadLetteredWholeByTheMirrorWithout()
            throws Exception {
        // Given keys made as an operator makes them, and a tree of unusual names: a file of two chunks (the
        // producer's are 512 KiB) and small files of one top-level directory, which travel in a bundle.
        Path signingKey = ferry.workspace().resolve("producer.key");
        Path streamKey = ferry.workspace().resolve("stream.key");
        FerryProcess signing = ferry.start("keygen", signingKey.toString());
        FerryProcess encryption = ferry.start("keygen", "--encrypt", streamKey.toString());
        signing.waitForSuccess(PATIENCE);
        encryption.waitForSuccess(PATIENCE);
        String trusted = signingKey + ".pub";
        writeText(source.resolve(TestTrees.ASTRAL_NAME), "grinning \uD83D\uDE00\n");
        writeText(source.resolve("name with spaces.txt"), "spaces are fine\n");
        writeText(source.resolve("nested dir/level two/deepest.md"), "# two levels down\n");
        TestTrees.writeRandom(source.resolve("large file.bin"), 700 * 1024, 20);
        TestTrees.manySmallFiles(source.resolve("many small"), 30);

        // The stream is the default one, the only one broker-config's rules give the roles' users; each test of
        // this class has a broker of its own. Offsite's consumer trusts the producer but lacks the stream's key.
        Path offsite = ferry.directory("mirror-offsite");
        FerryProcess producer = ferry.producer(source, "--broker-user", DistributionBroker.PRODUCER,
                "--broker-password", DistributionBroker.PRODUCER_PASSWORD, "--mirror", "default,offsite",
                "--signing-key", signingKey.toString(), "--encrypt-key", streamKey.toString());
        FerryProcess consumer = ferry.consumer(destination, "--broker-user", DistributionBroker.CONSUMER,
                "--broker-password", DistributionBroker.CONSUMER_PASSWORD,
                "--trust-producer", trusted, "--encrypt-key", streamKey.toString());
        FerryProcess keyless = ferry.consumer(offsite, "--broker-user", DistributionBroker.OFFSITE,
                "--broker-password", DistributionBroker.OFFSITE_PASSWORD, "--mirror", "offsite",
                "--trust-producer", trusted);
        FerryProcess[] running = {activemq.process(), producer, consumer, keyless};
        Convergence.await(source, destination, INITIAL_SYNC, running);

        // Every kind of change, the large file's rewritten middle among them.
        try (FileChannel large = FileChannel.open(source.resolve("large file.bin"), StandardOpenOption.WRITE)) {
            large.write(ByteBuffer.wrap(text("rewritten", 64 * 1024).getBytes(UTF_8)), 300 * 1024);
        }
        writeText(source.resolve("many small/file-003.txt"), "modified\n");
        writeText(source.resolve(TestTrees.ASTRAL_NAME), "still grinning \uD83D\uDE00\n");
        Files.move(source.resolve("name with spaces.txt"), source.resolve("name with spaces, renamed ✓.txt"));
        Files.move(source.resolve("nested dir/level two"), source.resolve("nested dir/level 2"));
        Files.delete(source.resolve("many small/file-007.txt"));
        Convergence.await(source, destination, ONE_CHANGE, running);
        if (Rsync.judges(ferry.workspace(), "DistributionBrokerTest")) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination))
                    .as("what rsync would still do to the mirror with the key").isEmpty();
        }

        // Then offsite's queue is empty and every message it received is on its dead-letter queue as it came
        // (encrypted whole and signed, no path outside) with the reason; its mirror is as empty as it began.
        String offsiteQueue = WireFormat.mirrorQueueOf("offsite", QUEUE);
        String offsiteDeadLetters = WireFormat.deadLetterQueueOf(offsiteQueue);
        try (QueueClient mirror = QueueClient.connect(activemq.url(), DistributionBroker.OFFSITE,
                DistributionBroker.OFFSITE_PASSWORD)) {
            within(PATIENCE, keyless, () -> {
                assertThat(mirror.statistics(offsiteQueue, PATIENCE).size()).as("waiting for offsite").isZero();
                assertThat(mirror.browse(offsiteDeadLetters)).as("offsite's dead letters, one a message it received")
                        .isNotEmpty().hasSize((int) mirror.enqueued(offsiteQueue));
            });
            for (Message deadLetter : mirror.browse(offsiteDeadLetters)) {
                assertThat(deadLetter.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY))
                        .contains("--encrypt-key");
                assertEncryptedWhole(deadLetter);
            }
        }
        assertThat(TreeSnapshot.of(offsite).paths()).as("what the mirror without the key applied").isEmpty();
        assertThat(keyless.logLinesMatching(FerryLog.ANY_APPLIED)).isEmpty();
    }

    /**
     * That {@code received} is an encrypted message as it travels: of the sealed version and type, signed, and
     * with nothing else outside its encrypted body but what a dead-letter queue adds (a consumer without the key
     * cannot encrypt its reason, which names no path).
     */
    private static void assertEncryptedWhole(Message received) throws JMSException {
        assertThat(received.getJMSType()).isEqualTo("Sealed");
        assertThat(received.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(WireFormat.SEALED_VERSION);
        assertThat(received.getStringProperty(WireFormat.SIGNATURE_PROPERTY)).isNotBlank();
        Enumeration<?> properties = received.getPropertyNames(); // JMS's is a raw Enumeration
        assertThat(Collections.list(properties).stream().map(Object::toString).filter(name -> !name.startsWith("JMSX")))
                .as("what travels outside the encrypted body").containsOnly(WireFormat.VERSION_PROPERTY,
                        WireFormat.SEALED_PROPERTY, WireFormat.STREAM_PROPERTY, WireFormat.STREAM_SEQ_PROPERTY,
                        WireFormat.SIGNER_PROPERTY, WireFormat.SIGNATURE_PROPERTY,
                        WireFormat.DEAD_LETTER_REASON_PROPERTY, WireFormat.DEAD_LETTER_TIME_PROPERTY,
                        WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY, WireFormat.DEAD_LETTER_GROUP_PROPERTY);
        // The group kept for a retry is the keyed one, one of 64: it names nothing.
        assertThat(received.getStringProperty(WireFormat.DEAD_LETTER_GROUP_PROPERTY)).matches("ferry-[0-9]{1,2}");
        assertThat(received.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY))
                .as("a reason without a path needs no encryption; it names the key").contains("--encrypt-key");
    }

    /** {@code repair} as a mirror's consumer sends it to the control queue, with {@code replyTo} for the answers. */
    private static BytesMessage repairMessage(QueueClient client, RepairMessage repair, String replyTo)
            throws JMSException, IOException {
        BytesMessage message = RepairMessages.encode(client.session(), repair);
        message.setJMSReplyTo(client.session().createQueue(replyTo));
        return message;
    }

    /** Takes a mirror's messages until the answer of repair {@code id}; adds the events before it to {@code events}. */
    private static RepairMessage awaitRepair(MessageConsumer queue, String id, List<ChangeEvent> events)
            throws JMSException, WireFormatException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Message message = queue.receive(200);
            if (message == null) {
                continue;
            }
            if (!RepairMessages.isRepairMessage(message)) {
                events.addAll(EventMessages.decode(message));
                continue;
            }
            RepairMessage repair = RepairMessages.decode(message);
            if (repair.id().equals(id)) {
                return repair;
            }
        }
        return fail("no answer to repair %s within %s", id, PATIENCE);
    }

    private Connection login(String user, String password) throws JMSException {
        Connection connection = new ActiveMQConnectionFactory(user, password, activemq.url()).createConnection();
        try {
            connection.start();
            return connection;
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    /** Something that sends a message, run once the receiver of {@link #giveUpOnOneMessage} is there. */
    private interface Sending {
        void send() throws JMSException;
    }

    /**
     * Attaches to {@code queue} (so a mirror's queue exists), has {@code sending} send a message,
     * receives it and rolls it back, as a client that allows no redelivery: ActiveMQ then hands the
     * message to the queue's dead-letter strategy.
     */
    private void giveUpOnOneMessage(String queue, Sending sending) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(activemq.url());
        factory.getRedeliveryPolicy().setMaximumRedeliveries(0);
        Connection connection = factory.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer receiver = session.createConsumer(session.createQueue(queue));
            sending.send();
            assertThat(receiver.receive(PATIENCE.toMillis())).as("the message sent to %s", queue).isNotNull();
            session.rollback();
        } finally {
            connection.close();
        }
    }

    /** What {@code ferry status} prints about the distribution broker. */
    private String status() {
        FerryProcess status = ferry.start("status", "--broker", activemq.url());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        return status.stdout();
    }

    private ChangeEvent.PutFile putFile(String path, byte[] body) {
        return new ChangeEvent.PutFile(RelPath.of(path), seq.incrementAndGet(), 0, body.length, body.length, sha256(body), 0644,
                System.currentTimeMillis() * 1_000_000);
    }

    /** Waits for {@code assertion} to hold, failing with the process's log if it never does. */
    private static void within(Duration timeout, FerryProcess process, ThrowingRunnable assertion) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            fail("%s%n%s", e.getMessage(), process.logTail());
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
