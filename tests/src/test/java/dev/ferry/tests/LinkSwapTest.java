package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Someone who may write into the source swaps a directory of it for a symlink to a directory
 * outside, and back, over and over while the producer watches: nothing of what lies outside (a
 * file's bytes, a symlink's target) reaches the queue or the mirror. The producer module races
 * this for thousands of rounds in one JVM; here it is the real jar, whose manifest lets it read
 * link targets relative to a directory handle, and the real broker and consumer.
 */
@Timeout(value = 3, unit = MINUTES)
class LinkSwapTest {

    private static final Duration RACE = Duration.ofSeconds(8);
    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    /** The second mirror whose queue the test reads itself. */
    private static final String TAP = "tap";
    /** How long the producer must have published nothing for the tapping to end, and its bound. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Duration TAPPING = Duration.ofSeconds(60);
    private static final int FILE_BYTES = 4096;
    /** A quarter of what a 2-core machine publishes from inside meanwhile. */
    private static final int MIN_PUBLISHES = 20;
    /**
     * A few swaps, then a pause just long enough for the watcher to fall silent (10 ms), so that the
     * producer starts comparing as the next swaps begin. Of the timings tried, this one leaked
     * most on the code before directory handles: the bytes of the file outside or the target of
     * the link outside reached the queue in 2 of 3 runs, and the producer of the unpatched code
     * crashed in 2 of 3 (a file gone while it was opened was an error).
     */
    private static final int SWAPS_PER_ROUND = 5;
    private static final long PAUSE_MILLIS = 12;

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aDirectorySwappedForALinkOutOfTheSourceLeaksNothingIntoTheQueueOrTheMirror() throws Exception {
        String secret = UUID.randomUUID().toString();
        Path source = ferry.directory("source");
        Path dir = TestTrees.directory(source.resolve("dir"));
        Files.write(dir.resolve("data.bin"), filled("published from inside "));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("inside-target"));
        Path outside = ferry.directory("outside");
        Files.write(outside.resolve("data.bin"), filled(secret));
        Files.createSymbolicLink(outside.resolve("link"), Path.of(secret));
        // A second mirror, "tap", gets every message too: the test takes them all off its queue to
        // look at them (a browse would show at most 400), while mirror default's consumer applies them.
        FerryProcess producer = ferry.producer(source, "--mirror", WireFormat.DEFAULT_MIRROR, "--mirror", TAP);
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, FerryHarness.BROKER_START);

        long swaps = swapFor(RACE, dir, ferry.workspace().resolve("aside"), outside);
        List<String> leaks = leaksOnTheQueue(everyMessageTapped(), secret);
        FerryProcess consumer = ferry.consumer(ferry.directory("destination"));
        Convergence.await(source, ferry.workspace().resolve("destination"), CONVERGENCE, producer, consumer);
        leaks.addAll(leaksInTheMirror(ferry.workspace().resolve("destination"), secret));

        int published = producer.logLinesMatching(FerryLog.publishedPut("dir/data.bin")).size();
        System.out.printf("link swap: %d swaps, dir/data.bin published %d times%n", swaps, published);
        assertThat(leaks).as("what lies outside the source reached the queue or the mirror").isEmpty();
        assertThat(producer.logLinesMatching("read by their path")).as("link targets read by path").isEmpty();
        assertThat(published).as("the race must have been run, not only set up").isGreaterThanOrEqualTo(MIN_PUBLISHES);
    }

    /**
     * Swaps {@code dir} for a link to {@code outside} and back until {@code race} is over: the real
     * directory waits at {@code aside} (out of the source too) while the link is in its place. Each
     * time it is back, its file has a new modification time and its link a new target, so that
     * the producer reads them again.
     *
     * @return how many swaps there were
     */
    private static long swapFor(Duration race, Path dir, Path aside, Path outside) throws IOException {
        Path link = Files.createSymbolicLink(aside.resolveSibling("link-to-outside"), outside);
        long deadline = System.nanoTime() + race.toNanos();
        long round = 0;
        while (System.nanoTime() < deadline) {
            Files.setLastModifiedTime(dir.resolve("data.bin"), FileTime.fromMillis(946_684_800_000L + round));
            Files.delete(dir.resolve("link"));
            Files.createSymbolicLink(dir.resolve("link"), Path.of("inside-target-" + round % 2));
            for (int swap = 0; swap < SWAPS_PER_ROUND; swap++) {
                move(dir, aside);
                move(link, dir);
                move(dir, link);
                move(aside, dir);
            }
            round++;
            pause(PAUSE_MILLIS);
        }
        return round * SWAPS_PER_ROUND;
    }

    /**
     * Every message the producer published, taken off mirror {@value #TAP}'s queue until the
     * producer has been quiet for a while (bounded): all of them, which no browse could show.
     */
    private List<Message> everyMessageTapped() throws JMSException {
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + TAPPING.toNanos();
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            MessageConsumer tap = queue.session().createConsumer(queue.session().createQueue(
                    WireFormat.mirrorQueueOf(TAP, WireFormat.DEFAULT_QUEUE)));
            for (Message message = tap.receive(QUIET.toMillis()); message != null && System.nanoTime() < deadline;
                    message = tap.receive(QUIET.toMillis())) {
                messages.add(message);
            }
        }
        assertThat(messages).as("the tapped messages").isNotEmpty();
        return messages;
    }

    private static List<String> leaksOnTheQueue(List<Message> messages, String secret)
            throws JMSException, WireFormatException {
        List<String> leaks = new ArrayList<>();
        for (Message message : messages) {
            List<ChangeEvent> events = EventMessages.decode(message);
            for (ChangeEvent event : events) {
                if (event instanceof PutSymlink link && link.target().contains(secret)) {
                    leaks.add("the target of the link outside, on the queue as " + link.path());
                }
            }
            byte[] body = EventMessages.decodedBody(message); // compressed bytes would hide the secret
            if (holds(body, secret)) {
                leaks.add("the bytes of the file outside, on the queue with " + events);
            }
        }
        return leaks;
    }

    private static List<String> leaksInTheMirror(Path destination, String secret)
            throws IOException {
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> entries = Files.walk(destination)) {
            for (Path entry : entries.toList()) {
                if (Files.isSymbolicLink(entry) && Files.readSymbolicLink(entry).toString().contains(secret)) {
                    leaks.add("the target of the link outside, in the mirror at " + entry);
                } else if (Files.isRegularFile(entry) && holds(Files.readAllBytes(entry), secret)) {
                    leaks.add("the bytes of the file outside, in the mirror at " + entry);
                }
            }
        }
        return leaks;
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@value #FILE_BYTES} characters of {@code pattern} over and over, as bytes. */
    private static byte[] filled(String pattern) {
        return pattern.repeat(FILE_BYTES / pattern.length() + 1).substring(0, FILE_BYTES).getBytes(ISO_8859_1);
    }

    /** Whether {@code body} holds {@code secret} (text, as every secret of this test is). */
    private static boolean holds(byte[] body, String secret) {
        return new String(body, ISO_8859_1).contains(secret);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
