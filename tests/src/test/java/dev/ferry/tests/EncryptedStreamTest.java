package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.EncryptionKey;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Trust no broker, with encryption: a producer and its mirror given the stream's key
 * ({@code --encrypt-key}) replicate a tree exactly, while the broker's store, where every message
 * of the stream passed, holds no name of the tree and no run of 16 bytes of any file; a mirror
 * without the key applies nothing and dead-letters every message, saying which option it lacks.
 * {@code ferry dlq list} and {@code ferry status} show no path without the key and real ones with it,
 * and once given the key that mirror takes its dead letters back ({@code ferry dlq retry}) and
 * applies them all.
 *
 * <p>A broker of its own, so its store holds this stream only. Broker, producer and consumers are
 * processes of their own over TCP.
 */
@Timeout(value = 3, unit = MINUTES)
class EncryptedStreamTest {

    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final String QUEUE = "sealed.stream";
    private static final String KEYLESS_REASON = ", and this side has no encryption key: give it the stream's key "
            + "with --encrypt-key";

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    @Test
    void anEncryptedStreamLeavesNoNameNorAnyRunOfAFileInTheBrokersStoreAndAMirrorWithoutTheKeyAppliesNothing()
            throws Exception {
        Path keys = ferry.directory("keys");
        Keygen.make(ferry, keys, List.of("producer"), List.of("stream"));
        Path signing = Keygen.secret(keys, "producer");
        Path streamKey = Keygen.secret(keys, "stream");
        String streamKeyId = EncryptionKey.read(streamKey).id();
        Path source = confidentialTree(ferry.directory("source"));
        Path mirror = ferry.directory("mirror-a");
        Path keyless = ferry.directory("mirror-c");
        String queueOfC = WireFormat.mirrorQueueOf("c", QUEUE);
        byte[] ciphertext;

        try (FerryProcess producer = ferry.start("producer", "--source", source.toString(), "--broker",
                ferry.brokerUrl(), "--queue", QUEUE, "--state", ferry.directory("producer-state").toString(),
                "--mirror", "a,c", "--signing-key", signing.toString(), "--encrypt-key", streamKey.toString());
             FerryProcess consumer = ferry.consumer(mirror, "--queue", QUEUE, "--mirror", "a", "--trust-producer",
                     Keygen.publicOf(signing).toString(), "--encrypt-key", streamKey.toString());
             QueueClient client = QueueClient.connect(ferry.brokerUrl())) {
            Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
            assertExact(source, mirror);
            assertThat(client.browse(WireFormat.deadLetterQueueOf(WireFormat.mirrorQueueOf("a", QUEUE)))).isEmpty();

            long sent = client.enqueued(queueOfC); // The whole stream, waiting for mirror c.
            try (FerryProcess withoutKey = ferry.consumer(keyless, "--queue", QUEUE, "--mirror", "c",
                    "--trust-producer", Keygen.publicOf(signing).toString())) {
                List<Message> dead = client.awaitBrowse(WireFormat.deadLetterQueueOf(queueOfC), "the whole stream",
                        held -> held.size() >= sent, SYNC, withoutKey);
                assertThat(dead).hasSize((int) sent).allSatisfy(message -> assertThat(
                        message.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY))
                        .isEqualTo("encrypted with key " + streamKeyId + KEYLESS_REASON));
                assertThat(client.browse(queueOfC)).isEmpty();
                assertThat(TreeSnapshot.of(keyless).paths()).as("what the mirror without the key applied").isEmpty();
                assertThat(withoutKey.logLinesMatching(FerryLog.ANY_APPLIED)).isEmpty();
                ciphertext = largestBody(dead);
            }

            // The tools show what they can without the key, and the rest with it.
            String[] ofC = {"--broker", ferry.brokerUrl(), "--queue", QUEUE, "--mirror", "c"};
            String[] key = {"--encrypt-key", streamKey.toString()};
            assertThat(json(concat(new String[]{"dlq", "list", "--json"}, ofC))).hasSize((int) sent)
                    .allSatisfy(letter -> {
                        assertThat(letter.at("/path").isNull() || letter.at("/path").isMissingNode())
                                .as("a path without the key").isTrue();
                        assertThat(letter.at("/kind").asText()).isEqualTo("Sealed");
                    });
            assertThat(json(concat(new String[]{"dlq", "list", "--json"}, concat(ofC, key)))).hasSize((int) sent)
                    .extracting(letter -> letter.at("/path").asText()).contains("zebra-secret-name.txt");
            assertThat(lastPathOfProducer(new String[0])).isEqualTo("(encrypted)");
            assertThat(lastPathOfProducer(key)).isNotEqualTo("(encrypted)").satisfies(path ->
                    assertThat(source.resolve(path)).as("a path of the tree").exists());

            // Given the key, the mirror takes back what it dead-lettered and applies it all.
            ferry.start(concat(new String[]{"dlq", "retry", "--all"}, concat(ofC, key)))
                    .waitForSuccess(FerryHarness.STATUS_TIMEOUT);
            try (FerryProcess withKey = ferry.consumer(keyless, "--queue", QUEUE, "--mirror", "c",
                    "--trust-producer", Keygen.publicOf(signing).toString(), "--encrypt-key", streamKey.toString())) {
                Convergence.await(source, keyless, SYNC, ferry.broker(), producer, withKey);
                assertExact(source, keyless);
            }
        }
        // Stopped, the broker leaves its store whole on disk: the index written, nothing in memory only.
        ferry.broker().close();

        StoreScan store = StoreScan.of(ferry.workspace().resolve("broker-data"));
        System.out.printf("EncryptedStreamTest: scanning %d files, %d bytes, of the broker's store%n",
                store.fileCount(), store.bytes());
        // The scan finds what is there: what the broker is meant to see, the key's id, and what it
        // stored of a message it kept, 16 bytes from the middle of an encrypted body.
        assertThat(store.textsFound(List.of(streamKeyId))).as("the key id, of every message").isNotEmpty();
        int middle = ciphertext.length / 2;
        assertThat(store.runsFound(Map.of("ciphertext", Arrays.copyOfRange(ciphertext, middle, middle + 16))))
                .as("a run of an encrypted body").isNotEmpty();

        assertThat(store.textsFound(namesOf(source))).as("names of the tree in the broker's store").isEmpty();
        assertThat(store.runsFound(contentsOf(source))).as("runs of 16 bytes of the tree's files in the broker's store")
                .isEmpty();
    }

    /**
     * A tree of names nothing else uses and files of random bytes: two larger than the producer's
     * chunk (512 KiB), which travel in chunks, and small ones, which travel in bundles.
     */
    private static Path confidentialTree(Path root) {
        TestTrees.writeRandom(root.resolve("zebra-secret-name.txt"), 3 * 1024, 1);
        TestTrees.writeRandom(root.resolve("confidential-dir/quokka-ledger.bin"), 700 * 1024, 2);
        TestTrees.writeRandom(root.resolve("confidential-dir/nested-okapi/platypus-plans.bin"), 1300 * 1024, 3);
        TestTrees.directory(root.resolve("confidential-dir/nested-okapi/empty-axolotl-dir"));
        for (int i = 0; i < 24; i++) {
            TestTrees.writeRandom(root.resolve(String.format("confidential-dir/small-narwhal-%02d.dat", i)),
                    1024 + 211L * i, 100 + i);
        }
        return root;
    }

    /** Every name in the tree, and every path. */
    private static Set<String> namesOf(Path root) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> entries = Files.walk(root)) {
            for (Path entry : entries.filter(entry -> !entry.equals(root)).toList()) {
                names.add(entry.getFileName().toString());
                names.add(root.relativize(entry).toString());
            }
        }
        return names;
    }

    /** The contents of every file of the tree, by path. */
    private static Map<String, byte[]> contentsOf(Path root) throws IOException {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (Stream<Path> entries = Files.walk(root)) {
            for (Path file : entries.filter(Files::isRegularFile).toList()) {
                contents.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return contents;
    }

    /** What {@code ferry ARGS} prints as JSON, once it exited 0. */
    private static JsonNode json(String... args) throws IOException {
        FerryProcess command = ferry.start(args);
        command.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        return JsonMapper.builder().build().readTree(command.stdout());
    }

    /** The last path the producer's heartbeat tells of, as {@code ferry status --json OPTIONS} shows it. */
    private static String lastPathOfProducer(String[] options) {
        return Awaitility.await().atMost(SYNC).until(() -> {
            JsonNode status = json(concat(new String[]{"status", "--json", "--broker", ferry.brokerUrl(), "--queue",
                    QUEUE}, options));
            for (JsonNode process : status.at("/processes")) {
                if (process.at("/role").asText().equals("producer") && !process.at("/last/path").isMissingNode()) {
                    return process.at("/last/path").asText();
                }
            }
            return null;
        }, path -> path != null);
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(second)).toArray(String[]::new);
    }

    private static byte[] largestBody(List<Message> messages) throws Exception {
        byte[] largest = new byte[0];
        for (Message message : messages) {
            BytesMessage bytes = (BytesMessage) message;
            if (bytes.getBodyLength() > largest.length) {
                bytes.reset();
                largest = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(largest);
            }
        }
        assertThat(largest.length).as("the largest body dead-lettered").isGreaterThan(512 * 1024);
        return largest;
    }

    private static void assertExact(Path source, Path mirror) {
        assertThat(TreeSnapshot.of(mirror)).isEqualTo(TreeSnapshot.of(source));
        if (Rsync.judges(ferry.workspace(), "EncryptedStreamTest")) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, mirror)).as("what rsync would still do")
                    .isEmpty();
        }
    }
}
