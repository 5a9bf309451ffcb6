package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whoever can publish on the stream must not be able to write outside the destination or stop the
 * mirror: hostile messages go to the mirror's dead-letter queue with a reason, and the good message
 * behind them is still applied.
 */
@Timeout(value = 2, unit = MINUTES)
class HostileMessageTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final String MIRROR_QUEUE = QueueClient.DEFAULT_MIRROR_QUEUE;
    private static final String DEAD_LETTERS = WireFormat.deadLetterQueueOf(MIRROR_QUEUE);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final byte[] PAYLOAD = "gotcha\n".getBytes(UTF_8);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);

    @Test
    void hostileMessagesAreDeadLetteredAndTheGoodOneBehindThemIsApplied() throws JMSException {
        Path destination = ferry.directory("destination");
        Path outside = destination.getParent();
        Path absoluteTarget = outside.resolve("absolute.txt");
        FerryProcess consumer = ferry.consumer(destination);
        // Its queue exists once it applies; only then does the stream's topic reach it.
        consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, PATIENCE);
        byte[] good = "a good file\n".getBytes(UTF_8);

        List<String> hostileEvents = new ArrayList<>();
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            hostileEvents.add(sendWithPath(queue, "../escape.txt"));
            hostileEvents.add(sendWithPath(queue, absoluteTarget.toString()));
            hostileEvents.add(sendFromTheFuture(queue, "version99.txt"));
            TextMessage garbage = queue.session().createTextMessage("rm -rf / -- plain text, not a Ferry event");
            queue.publish(QUEUE, garbage);
            queue.publish(QUEUE, queue.encode(putFile("good.txt", good), good));

            within(PATIENCE, consumer, () -> assertThat(destination.resolve("good.txt")).hasBinaryContent(good));
            within(PATIENCE, consumer, () -> assertThat(queue.browse(DEAD_LETTERS)).hasSize(4));

            assertThat(outside.resolve("escape.txt")).doesNotExist();
            assertThat(outside.getParent().resolve("escape.txt")).doesNotExist();
            assertThat(absoluteTarget).doesNotExist();
            assertThat(TreeSnapshot.of(destination).paths()).containsExactly("good.txt");

            List<Message> deadLetters = queue.browse(DEAD_LETTERS);
            assertThat(deadLetters).allSatisfy(message -> assertThat(
                    message.getStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY)).isNotBlank());
            // The dead-letter queue keeps the messages themselves, for whoever investigates.
            assertThat(deadLetters.stream().map(HostileMessageTest::eventOf).toList())
                    .containsExactlyInAnyOrder(hostileEvents.get(0), hostileEvents.get(1), hostileEvents.get(2), null);
            assertThat(deadLetters).filteredOn(TextMessage.class::isInstance).singleElement()
                    .satisfies(message -> assertThat(((TextMessage) message).getText()).isEqualTo(garbage.getText()));
            assertThat(queue.browse(MIRROR_QUEUE)).isEmpty();
            assertThat(consumer.isAlive()).as("the consumer keeps running%n%s", consumer.logTail()).isTrue();
        }
    }

    /** A well-formed file event whose path is swapped, after encoding, for one no RelPath would accept. */
    private String sendWithPath(QueueClient queue, String hostilePath) throws JMSException {
        BytesMessage message = queue.encode(putFile("placeholder.txt", PAYLOAD), PAYLOAD);
        String json = message.getStringProperty(WireFormat.EVENT_PROPERTY)
                // Both hostile paths are plain text: no JSON escaping needed.
                .replace("\"placeholder.txt\"", "\"" + hostilePath + "\"");
        message.setStringProperty(WireFormat.EVENT_PROPERTY, json);
        queue.publish(QUEUE, message);
        return json;
    }

    /** A valid event in an envelope of a version this consumer cannot know. */
    private String sendFromTheFuture(QueueClient queue, String path) throws JMSException {
        BytesMessage message = queue.encode(putFile(path, PAYLOAD), PAYLOAD);
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 99);
        queue.publish(QUEUE, message);
        return message.getStringProperty(WireFormat.EVENT_PROPERTY);
    }

    private ChangeEvent.PutFile putFile(String path, byte[] body) {
        return new ChangeEvent.PutFile(RelPath.of(path), seq.incrementAndGet(), 0, body.length, body.length,
                sha256(body), 0644, System.currentTimeMillis() * 1_000_000);
    }

    private static String eventOf(Message message) {
        try {
            return message.getStringProperty(WireFormat.EVENT_PROPERTY);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for {@code assertion} to hold, failing with the consumer's log if it never does. */
    private static void within(Duration timeout, FerryProcess consumer, ThrowingRunnable assertion) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            fail("%s%n%s", e.getMessage(), consumer.logTail());
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
