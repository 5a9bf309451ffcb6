package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.ListedEntry;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import dev.ferry.wire.seal.KeyFileException;
import dev.ferry.wire.seal.Seal;
import dev.ferry.wire.seal.SigningKey;
import dev.ferry.wire.seal.TrustedKeys;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Trust no broker, with signatures: a producer signs every message with its key ({@code ferry
 * producer --signing-key}), and a mirror applies only what a key it trusts signed
 * ({@code ferry consumer --trust-producer}). Whoever can send to the mirror's queue (a broker
 * account, the broker itself) cannot have a file written: a message unsigned, signed by another
 * key, or altered after it was signed is dead-lettered with the reason and nothing of it is
 * applied; a genuine message replayed later, from another mirror's queue or a repair's answer,
 * does not roll a file back; and a key can be rotated without a message lost.
 *
 * <p>Broker, producers and consumers are processes of their own over TCP; the tests share the
 * broker, each on a stream of its own ({@code --queue}). Each producer keeps mirrors a and b: a's
 * consumer runs, b's never does, so b's queue holds every genuine message the producer sent, for
 * the tests to replay.
 */
@Timeout(value = 3, unit = MINUTES)
class SignedStreamTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final String A = "a";
    private static final String B = "b";

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    /** The producers' key, a rotation's next key, and a key nobody trusts. */
    static Path producerKey;
    static Path nextKey;
    static Path strangerKey;

    @BeforeAll
    static void keysMadeWithFerryKeygen() {
        Path keys = ferry.directory("keys");
        Keygen.make(ferry, keys, List.of("producer", "next", "stranger"), List.of());
        producerKey = Keygen.secret(keys, "producer");
        nextKey = Keygen.secret(keys, "next");
        strangerKey = Keygen.secret(keys, "stranger");
    }

    @Test
    void aSignedStreamIsAppliedAndMessagesUnsignedSignedByAnotherKeyOrAlteredAreDeadLetteredWithNothingApplied()
            throws Exception {
        String queue = "signed.forgeries";
        Path source = ferry.directory("forgeries-source");
        TestTrees.manySmallFiles(source.resolve("small"), 10);
        TestTrees.writeText(source.resolve("signed original.txt"), "what the producer signed\n");
        TestTrees.writeRandom(source.resolve("data/random.bin"), 40 * 1024, 1);
        Path mirror = ferry.directory("forgeries-a");
        String producerId = idOf(producerKey);
        String strangerId = idOf(strangerKey);

        try (FerryProcess producer = producer(queue, source, producerKey);
             FerryProcess consumer = consumer(queue, mirror, Keygen.publicOf(producerKey).toString())) {
            Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            assertExact(source, mirror);

            Map<String, String> expectedReasons = new LinkedHashMap<>(); // By the forgery's message id.
            try (QueueClient client = QueueClient.connect(ferry.brokerUrl())) {
                String queueOfA = WireFormat.mirrorQueueOf(A, queue);
                byte[] forged = "written by whoever may send to the queue\n".getBytes(UTF_8);
                PutFile forgedFile = putFile("forged.txt", forged);

                BytesMessage unsigned = client.encode(forgedFile, forged);
                client.send(queueOfA, unsigned);
                expectedReasons.put(unsigned.getJMSMessageID(), "not signed, and this side applies only messages "
                        + "signed by a producer it trusts (key " + producerId + ")");

                Seal stranger = Seal.of(queue, SigningKey.read(strangerKey), TrustedKeys.NONE, null);
                BytesMessage signedByAStranger = stranger.write(client.session(),
                        EventMessages.compose(forgedFile, EncodedBody.raw(forged, forged.length)));
                client.send(queueOfA, signedByAStranger);
                expectedReasons.put(signedByAStranger.getJMSMessageID(), "signed by key " + strangerId
                        + ", which this side does not trust (it trusts key " + producerId + ")");

                // What the producer signed, as mirror b's queue holds it: the body spoiled by one bit,
                // or the path it names changed (its body, and the body's SHA-256, still the same).
                Message genuine = carrying(client.browse(WireFormat.mirrorQueueOf(B, queue)),
                        file -> file.path().text().equals("signed original.txt"));
                BytesMessage flipped = client.copyOf(genuine);
                byte[] body = bodyOf(genuine);
                body[body.length / 2] ^= 1;
                flipped.clearBody();
                flipped.writeBytes(body);
                client.send(queueOfA, flipped);
                BytesMessage moved = client.copyOf(genuine);
                renamePath(moved, "signed original.txt", "moved by a forger.txt");
                client.send(queueOfA, moved);
                String altered = "signed by key " + producerId + ", but the signature does not match what it carries";
                expectedReasons.put(flipped.getJMSMessageID(), altered);
                expectedReasons.put(moved.getJMSMessageID(), altered);

                String deadLetters = WireFormat.deadLetterQueueOf(queueOfA);
                List<Message> dead = client.awaitBrowse(deadLetters, "the 4 forgeries",
                        held -> held.size() >= expectedReasons.size(), SYNC, consumer);
                Map<String, String> reasons = reasonsByOriginalId(dead);
                assertThat(reasons).as("what mirror a dead-lettered").containsOnlyKeys(expectedReasons.keySet());
                expectedReasons.forEach((id, reason) ->
                        assertThat(reasons.get(id)).as("why %s was dead-lettered", id).startsWith(reason));
            }

            TestTrees.writeText(source.resolve("after the forgeries.txt"), "applied as any change\n");
            consumer.waitForLog(FerryLog.appliedPut("after the forgeries.txt"), 1, SYNC);
            assertThat(mirror.resolve("forged.txt")).doesNotExist();
            assertThat(mirror.resolve("moved by a forger.txt")).doesNotExist();
            assertExact(source, mirror);
            assertThat(consumer.logLinesMatching(FerryLog.DEAD_LETTERED)).hasSize(4);
        }
    }

    @Test
    void aSignedMessageReplayedFromAnotherMirrorsQueueOrARepairsAnswerDoesNotRollAFileBack() throws Exception {
        String queue = "signed.replay";
        Path source = ferry.directory("replay-source");
        Path file = source.resolve("f.txt");
        byte[] v1 = "version 1\n".getBytes(UTF_8);
        byte[] v2 = "version 2, written after version 1\n".getBytes(UTF_8);
        byte[] v3 = "version 3, written after the repair\n".getBytes(UTF_8);
        Files.write(file, v1);
        Path mirror = ferry.directory("replay-a");
        Path mirrored = mirror.resolve("f.txt");

        try (FerryProcess producer = producer(queue, source, producerKey);
             FerryProcess consumer = consumer(queue, mirror, Keygen.publicOf(producerKey).toString());
             QueueClient client = QueueClient.connect(ferry.brokerUrl())) {
            String queueOfA = WireFormat.mirrorQueueOf(A, queue);
            Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            Files.write(file, v2);
            Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);

            // Version 1, as the producer signed it, still waiting on mirror b's queue: sent to a's.
            Message version1 = carrying(client.browse(WireFormat.mirrorQueueOf(B, queue)), isVersion("f.txt", v1));
            client.send(queueOfA, client.copyOf(version1));
            // The producer publishes this after the replay reached a's queue: applied after it.
            TestTrees.writeText(source.resolve("after the replay.txt"), "applied after the replayed message\n");
            consumer.waitForLog(FerryLog.appliedPut("after the replay.txt"), 1, SYNC);
            assertThat(mirrored).as("f.txt after version 1 was replayed").hasBinaryContent(v2);
            assertExact(source, mirror);

            // A repair's answer carries version 2 with a number newer than its publication's; once
            // version 3 is published, that answer replayed must not bring version 2 back either.
            Message answer = carrying(repairOfMirrorB(client, queue, producer, consumer), isVersion("f.txt", v2));
            assertThat(producer.logLinesMatching("- sent \\w+ \"f\\.txt\".* for the repair of mirror b$")).hasSize(1);
            Files.write(file, v3);
            Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            client.send(queueOfA, client.copyOf(answer));
            TestTrees.writeText(source.resolve("after the repair's replay.txt"), "applied after it\n");
            consumer.waitForLog(FerryLog.appliedPut("after the repair's replay.txt"), 1, SYNC);
            assertThat(mirrored).as("f.txt after the repair's answer was replayed").hasBinaryContent(v3);
            assertExact(source, mirror);
            assertThat(consumer.isAlive()).isTrue();
        }
    }

    @Test
    void aConsumerTrustingTheOldAndTheNewKeyAppliesBothAcrossARotationAndOneTrustingOnlyTheNewRefusesTheOld()
            throws Exception {
        String queue = "signed.rotation";
        Path source = TestTrees.manySmallFiles(ferry.directory("rotation-source"), 5);
        Path mirror = ferry.directory("rotation-a");
        String oldId = idOf(producerKey);
        String newId = idOf(nextKey);
        String both = Keygen.publicOf(producerKey) + "," + Keygen.publicOf(nextKey);

        try (FerryProcess consumer = consumer(queue, mirror, both)) {
            try (FerryProcess producer = producer(queue, source, producerKey)) {
                Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
                TestTrees.writeText(source.resolve("before the rotation.txt"), "signed by the old key\n");
                Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            }
            try (FerryProcess producer = producer(queue, source, nextKey)) {
                TestTrees.writeText(source.resolve("after the rotation.txt"), "signed by the new key\n");
                TestTrees.appendText(source.resolve("file-000.txt"), "appended after the rotation\n");
                Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            }
            assertExact(source, mirror);
        }

        try (QueueClient client = QueueClient.connect(ferry.brokerUrl())) {
            List<Message> ofB = client.browse(WireFormat.mirrorQueueOf(B, queue));
            Message beforeRotation = carrying(ofB, file -> file.path().text().equals("before the rotation.txt"));
            Message afterRotation = carrying(ofB, file -> file.path().text().equals("after the rotation.txt"));
            assertThat(beforeRotation.getStringProperty(WireFormat.SIGNER_PROPERTY)).isEqualTo(oldId);
            assertThat(afterRotation.getStringProperty(WireFormat.SIGNER_PROPERTY)).isEqualTo(newId);

            try (FerryProcess producer = producer(queue, source, nextKey);
                 FerryProcess consumer = consumer(queue, mirror, Keygen.publicOf(nextKey).toString())) {
                consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, QUICK);
                String queueOfA = WireFormat.mirrorQueueOf(A, queue);
                BytesMessage replayed = client.copyOf(beforeRotation);
                client.send(queueOfA, replayed);
                List<Message> dead = client.awaitBrowse(WireFormat.deadLetterQueueOf(queueOfA),
                        "the message of the old key", held -> !held.isEmpty(), SYNC, consumer);
                Map<String, String> reasons = reasonsByOriginalId(dead);
                assertThat(reasons).containsOnlyKeys(replayed.getJMSMessageID());
                assertThat(reasons.get(replayed.getJMSMessageID())).startsWith("signed by key " + oldId
                        + ", which this side does not trust (it trusts key " + newId + ")");

                TestTrees.writeText(source.resolve("after the old key was dropped.txt"), "still applied\n");
                consumer.waitForLog(FerryLog.appliedPut("after the old key was dropped.txt"), 1, SYNC);
                assertExact(source, mirror);
            }
        }
    }

    /**
     * Asks the producer of {@code queue} for a repair of mirror b, as b's consumer would, from this
     * test: b's root said to be empty, so the producer sends b's queue everything it publishes.
     * Returns the repair's events on b's queue once its {@link RepairDone} is there.
     */
    private static List<Message> repairOfMirrorB(QueueClient client, String queue, FerryProcess... running)
            throws JMSException, WireFormatException {
        String id = "replay-" + UUID.randomUUID();
        String queueOfB = WireFormat.mirrorQueueOf(B, queue);
        askForRepair(client, queue, new RepairRequest(id, B, Map.of("", DirectoryDigest.builder().digest())));
        int handled = 0;
        while (true) {
            int before = handled;
            List<Message> held = client.awaitBrowse(queueOfB, "more of repair " + id,
                    messages -> ofRepair(messages, id).size() > before, SYNC, running);
            List<Message> ofRepair = ofRepair(held, id);
            for (Message message : ofRepair.subList(handled, ofRepair.size())) {
                RepairMessage answer = RepairMessages.decode(message);
                if (answer instanceof RepairDescribe describe) {
                    Map<String, List<ListedEntry>> empty = new LinkedHashMap<>();
                    describe.directories().forEach(directory -> empty.put(directory, List.of()));
                    askForRepair(client, queue, new RepairEntries(id, empty));
                } else if (answer instanceof RepairDone) {
                    List<Message> events = held.subList(held.indexOf(ofRepair.get(0)) + 1, held.size());
                    return events.stream().filter(event -> !isRepairMessage(event)).toList();
                }
            }
            handled = ofRepair.size();
        }
    }

    /** Sends {@code message} to the stream's control queue, its answers asked for on mirror b's queue. */
    private static void askForRepair(QueueClient client, String queue, RepairMessage message) throws JMSException {
        BytesMessage asking = Seal.none(queue).write(client.session(), RepairMessages.compose(message));
        asking.setJMSReplyTo(client.session().createQueue(WireFormat.mirrorQueueOf(B, queue)));
        client.send(WireFormat.controlQueueOf(queue), asking);
    }

    private static List<Message> ofRepair(List<Message> messages, String id) {
        List<Message> ofRepair = new ArrayList<>();
        for (Message message : messages) {
            try {
                if (isRepairMessage(message) && id.equals(message.getJMSCorrelationID())) {
                    ofRepair.add(message);
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        }
        return ofRepair;
    }

    private static boolean isRepairMessage(Message message) {
        try {
            return RepairMessages.isRepairMessage(message);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code ferry producer} of the stream {@code queue}, keeping mirrors a and b, signing with {@code key}. */
    private static FerryProcess producer(String queue, Path source, Path key) {
        return ferry.start("producer", "--source", source.toString(), "--broker", ferry.brokerUrl(), "--queue", queue,
                "--state", ferry.directory("state-" + queue).toString(), "--mirror", A + "," + B,
                "--signing-key", key.toString());
    }

    /** {@code ferry consumer} of mirror a of the stream {@code queue}, trusting the keys in {@code trusted}. */
    private static FerryProcess consumer(String queue, Path mirror, String trusted) {
        return ferry.consumer(mirror, "--queue", queue, "--mirror", A, "--trust-producer", trusted);
    }

    /** The first message of {@code messages} that carries a file {@code wanted} accepts. */
    private static Message carrying(List<Message> messages, Predicate<PutFile> wanted) throws JMSException {
        for (Message message : messages) {
            if (isRepairMessage(message)) {
                continue;
            }
            try {
                for (ChangeEvent event : EventMessages.decode(message)) {
                    if (event instanceof PutFile file && wanted.test(file)) {
                        return message;
                    }
                }
            } catch (WireFormatException e) {
                throw new IllegalStateException("a message the producer sent does not decode: " + e.getMessage(), e);
            }
        }
        throw new AssertionError("no message of " + messages.size() + " carries the file wanted");
    }

    private static Predicate<PutFile> isVersion(String path, byte[] contents) {
        String sha256 = sha256(contents);
        return file -> file.path().text().equals(path) && file.sha256().equals(sha256);
    }

    /** Changes {@code from} to {@code to} in the event (or bundle) a message carries, leaving its body as it is. */
    private static void renamePath(BytesMessage message, String from, String to) throws JMSException {
        for (String property : List.of(WireFormat.EVENT_PROPERTY, WireFormat.BUNDLE_PROPERTY)) {
            String json = message.getStringProperty(property);
            if (json != null && json.contains("\"" + from + "\"")) {
                message.setStringProperty(property, json.replace("\"" + from + "\"", "\"" + to + "\""));
                return;
            }
        }
        throw new AssertionError("the message names no " + from);
    }

    private static Map<String, String> reasonsByOriginalId(List<Message> deadLetters) throws JMSException {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Message message : deadLetters) {
            reasons.put(message.getStringProperty(WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY),
                    message.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY));
        }
        return reasons;
    }

    private static byte[] bodyOf(Message message) throws JMSException {
        BytesMessage bytes = (BytesMessage) message;
        bytes.reset();
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(body);
        bytes.reset();
        return body;
    }

    /** Mirror a is the source, as Ferry's comparison and rsync see it. */
    private static void assertExact(Path source, Path mirror) {
        assertThat(TreeSnapshot.of(mirror)).isEqualTo(TreeSnapshot.of(source));
        if (Rsync.judges(ferry.workspace(), "SignedStreamTest")) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, mirror)).as("what rsync would still do")
                    .isEmpty();
        }
    }

    private static PutFile putFile(String path, byte[] body) {
        return new PutFile(RelPath.of(path), System.currentTimeMillis() * 1000, 0, body.length, body.length,
                sha256(body), 0644, System.currentTimeMillis() * 1_000_000);
    }

    private static String idOf(Path signingKey) throws KeyFileException {
        return SigningKey.read(signingKey).id();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
