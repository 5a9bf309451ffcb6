package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventCodec;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterQueueTest {

    private static final String QUEUE = "q";
    private static final Instant DEAD_LETTERED = Instant.parse("2025-03-01T12:00:00.250Z");
    private static final ChangeEvent.PutFile PUT_FILE = new ChangeEvent.PutFile(RelPath.of("photos/a.jpg"), 7, 0, 5, 5,
            "0".repeat(64), 0644, 1_700_000_000_000_000_000L);
    private static final String HASH_REASON = "SHA-256 mismatch for photos/a.jpg";
    private static final String GARBAGE_REASON = "not a Ferry message (no ferryVersion property)";

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private Connection connection;
    private Session session;
    private BrokerEndpoint endpoint;
    private DeadLetterQueue deadLetters;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
        endpoint = new BrokerEndpoint(broker.connectUrl(), null, null);
        connection = endpoint.connect("test", 1);
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        deadLetters = new DeadLetterQueue(endpoint, QUEUE);
    }

    @AfterEach
    void stopBroker() throws JMSException {
        connection.close();
        broker.close();
    }

    @Test
    void anEmptyDeadLetterQueueListsNothing() throws Exception {
        assertThat(deadLetters.name()).isEqualTo("DLQ.q");
        assertThat(deadLetters.list()).isEmpty();
    }

    @Test
    void listShowsWhatEachMessageSaysAndLeavesThemThere() throws Exception {
        String putFileId = deadLetter(putFileMessage(), HASH_REASON);
        String garbageId = deadLetter(session.createTextMessage("garbage"), GARBAGE_REASON);

        List<DeadLetter> listed = deadLetters.list();

        assertThat(listed).containsExactly(
                new DeadLetter(putFileId, DEAD_LETTERED, "photos/a.jpg", "PutFile", HASH_REASON, null),
                new DeadLetter(garbageId, DEAD_LETTERED, null, null, GARBAGE_REASON, GARBAGE_REASON));
        assertThat(deadLetters.list()).isEqualTo(listed);
    }

    @Test
    void aMessageTheBrokerDeadLetteredShowsTheBrokersReasonAndNoTime() throws Exception {
        Message message = session.createMessage();
        message.setStringProperty("dlqDeliveryFailureCause", "redelivery limit reached");
        send(WireFormat.deadLetterQueueOf(QUEUE), message);

        DeadLetter listed = deadLetters.list().get(0);

        assertThat(listed.reason()).isEqualTo("redelivery limit reached");
        assertThat(listed.deadLetteredAt()).isNull();
        assertThat(listed.decodes()).isFalse();
    }

    @Test
    void aRenameNamesBothPaths() throws Exception {
        ChangeEvent rename = new ChangeEvent.Rename(RelPath.of("old/name"), RelPath.of("new/name"), 3);
        BytesMessage message = session.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.VERSION);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(rename));
        deadLetter(message, "failed 5 times applying new/name: disk full");

        assertThat(deadLetters.list().get(0).path()).isEqualTo("old/name -> new/name");
    }

    @Test
    void retryMovesWhatDecodesBackAsItWasAndKeepsWhatDoesNot() throws Exception {
        String putFileId = deadLetter(putFileMessage(), HASH_REASON);
        String garbageId = deadLetter(session.createTextMessage("garbage"), GARBAGE_REASON);

        RetryReport report = deadLetters.retry(DeadLetterQueue.Selection.all(), false);

        assertThat(report.moved()).extracting(DeadLetter::messageId).containsExactly(putFileId);
        assertThat(report.kept()).extracting(kept -> kept.message().messageId()).containsExactly(garbageId);
        assertThat(report.kept().get(0).why()).isEqualTo(GARBAGE_REASON);
        assertThat(report.vanished()).isEmpty();

        BytesMessage back = (BytesMessage) receive(QUEUE);
        assertThat(back.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(back.getStringProperty("JMSXGroupID")).isEqualTo(WireFormat.groupOf(PUT_FILE));
        assertThat(back.getStringProperty(WireFormat.EVENT_PROPERTY)).isEqualTo(EventCodec.toJson(PUT_FILE));
        assertThat(back.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(WireFormat.VERSION);
        assertThat(back.getJMSType()).isEqualTo("PutFile");
        assertThat(back.propertyExists(WireFormat.DEAD_LETTER_REASON_PROPERTY)).isFalse();
        assertThat(back.propertyExists(WireFormat.DEAD_LETTER_TIME_PROPERTY)).isFalse();
        assertThat(back.propertyExists(WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY)).isFalse();
        byte[] body = new byte[(int) back.getBodyLength()];
        back.readBytes(body);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(receiveNow(QUEUE)).as("only the decodable message goes back").isNull();

        assertThat(deadLetters.list()).extracting(DeadLetter::messageId).containsExactly(garbageId);
    }

    @Test
    void forceMovesEvenWhatDoesNotDecode() throws Exception {
        deadLetter(session.createTextMessage("garbage"), GARBAGE_REASON);

        RetryReport report = deadLetters.retry(DeadLetterQueue.Selection.all(), true);

        assertThat(report.moved()).hasSize(1);
        TextMessage back = (TextMessage) receive(QUEUE);
        assertThat(back.getText()).isEqualTo("garbage");
        assertThat(back.propertyExists("JMSXGroupID")).isFalse();
        assertThat(back.propertyExists(WireFormat.DEAD_LETTER_REASON_PROPERTY)).isFalse();
        assertThat(deadLetters.list()).isEmpty();
    }

    @Test
    void retryByIdMovesOnlyThoseMessages() throws Exception {
        String first = deadLetter(putFileMessage(), HASH_REASON);
        String second = deadLetter(putFileMessage(), HASH_REASON);

        RetryReport report = deadLetters.retry(DeadLetterQueue.Selection.of(List.of(second)), false);

        assertThat(report.moved()).extracting(DeadLetter::messageId).containsExactly(second);
        assertThat(deadLetters.list()).extracting(DeadLetter::messageId).containsExactly(first);
    }

    @Test
    void anUnknownIdMovesNothing() throws Exception {
        String known = deadLetter(putFileMessage(), HASH_REASON);

        assertThatThrownBy(() -> deadLetters.retry(DeadLetterQueue.Selection.of(List.of(known, "ID:nope")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DLQ.q holds no message ID:nope");
        assertThat(deadLetters.list()).extracting(DeadLetter::messageId).containsExactly(known);
    }

    @Test
    void aMessageDeadLetteredAgainDuringARetryIsLeftForTheNextOne() throws Exception {
        deadLetter(putFileMessage(), HASH_REASON);
        List<DeadLetter> seenAtStart = deadLetters.list();
        String again = deadLetter(putFileMessage(), HASH_REASON);

        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        RetryReport report = deadLetters.move(transacted, seenAtStart, false);

        assertThat(report.moved()).hasSize(1);
        assertThat(deadLetters.list()).extracting(DeadLetter::messageId).containsExactly(again);
    }

    @Test
    void aMessageSomeoneElseTookMeanwhileIsReportedAsVanished() throws Exception {
        deadLetter(putFileMessage(), HASH_REASON);
        List<DeadLetter> seenAtStart = deadLetters.list();
        assertThat(receive(WireFormat.deadLetterQueueOf(QUEUE))).isNotNull();

        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        RetryReport report = new DeadLetterQueue(endpoint, QUEUE, Duration.ofMillis(200))
                .move(transacted, seenAtStart, false);

        assertThat(report.vanished()).isEqualTo(seenAtStart);
        assertThat(report.moved()).isEmpty();
    }

    @Test
    void aSelectionIsEitherAllOrSomeIds() {
        assertThatThrownBy(() -> DeadLetterQueue.Selection.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeadLetterQueue.Selection(true, java.util.Set.of("ID:x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A PutFile message whose body does not match its hash, as the producer would have sent it. */
    private BytesMessage putFileMessage() throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.VERSION);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(PUT_FILE));
        message.setJMSType("PutFile");
        message.writeBytes("hello".getBytes(StandardCharsets.UTF_8));
        return message;
    }

    /** Puts {@code message} on DLQ.q as the consumer's dead letter channel does; returns its ID there. */
    private String deadLetter(Message message, String reason) throws JMSException {
        message.setStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY, reason);
        message.setLongProperty(WireFormat.DEAD_LETTER_TIME_PROPERTY, DEAD_LETTERED.toEpochMilli());
        message.setStringProperty(WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY, "ID:original-1");
        send(WireFormat.deadLetterQueueOf(QUEUE), message);
        return message.getJMSMessageID();
    }

    private void send(String queue, Message message) throws JMSException {
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer.send(message);
        producer.close();
    }

    private Message receive(String queue) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(10_000);
            assertThat(message).as("a message on " + queue).isNotNull();
            return message;
        }
    }

    private Message receiveNow(String queue) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            return consumer.receive(500);
        }
    }
}
