package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events sent over OpenWire TCP, marshalled and unmarshalled as between two processes (the in-JVM
 * transport would pass the very objects and hide what the marshaller does), arrive naming exactly
 * the paths they were sent with, whatever plane of Unicode the names come from.
 */
class WireOverTcpTest {

    /** Emoji and CJK Extension B (outside the BMP), precomposed and decomposed é, Hebrew, a combining mark. */
    private static final List<String> NAMES = List.of("photo-\uD83D\uDE00.jpg", "\uD840\uDC0B\uD87E\uDC00/x",
            "caf\u00e9", "cafe\u0301", "\u05e9\u05dc\u05d5\u05dd.txt", "a\u0308\uD834\uDD1E", "plain.txt");
    private static final String SHA_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path data;
    private EmbeddedBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void everyKindOfEventKeepsItsNamesAcrossTheWire() throws Exception {
        List<ChangeEvent> sent = new ArrayList<>();
        long seq = 1;
        for (String name : NAMES) {
            sent.add(new PutFile(RelPath.of(name), seq++, 0, 0, 0, SHA_OF_NOTHING, 0644, 0));
            sent.add(new ChangeEvent.PutSymlink(RelPath.of("link-" + seq), seq++, name));
            sent.add(new ChangeEvent.Rename(RelPath.of(name), RelPath.of("moved-" + name.replace('/', '-')), seq++));
            sent.add(new ChangeEvent.Delete(RelPath.of(name), seq++));
        }

        List<ChangeEvent> received = roundTrip(session -> {
            List<Message> messages = new ArrayList<>();
            for (ChangeEvent event : sent) {
                messages.add(EventMessages.encode(session, event));
            }
            return messages;
        });

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void aBundleKeepsTheNamesOfAllItsFiles() throws Exception {
        List<PutFile> files = new ArrayList<>();
        for (String name : NAMES) {
            files.add(new PutFile(RelPath.of("bundled/" + name), files.size() + 1, 0, 0, 0, SHA_OF_NOTHING, 0600, 0));
        }

        List<ChangeEvent> received = roundTrip(session -> List.of(
                EventMessages.encodeBundle(session, files, new byte[0], 0)));

        assertThat(received).containsExactlyElementsOf(files);
    }

    @Test
    void aDeadLetterReasonNamingAPathOutsideTheBmpReadsAsWritten() throws Exception {
        String reason = "failed 10 times applying photo-\uD83D\uDE00.jpg: File name too long \\ really";
        BrokerEndpoint endpoint = EmbeddedBrokerTest.endpoint(broker);
        try (Connection connection = endpoint.connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message message = session.createMessage();
            message.setStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY, WireText.escape(reason));
            session.createProducer(session.createQueue("ferry.reasons")).send(message);
        }
        try (Connection connection = endpoint.connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message back = session.createConsumer(session.createQueue("ferry.reasons")).receive(10_000);

            assertThat(DeadLetter.of(back).reason()).isEqualTo(reason);
        }
    }

    private interface Encoder {
        List<Message> encode(Session session) throws Exception;
    }

    /** Sends what {@code encoder} makes on one TCP connection and decodes it from another. */
    private List<ChangeEvent> roundTrip(Encoder encoder) throws Exception {
        BrokerEndpoint endpoint = EmbeddedBrokerTest.endpoint(broker);
        int count;
        try (Connection connection = endpoint.connect("sender", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(WireFormat.DEFAULT_QUEUE));
            List<Message> messages = encoder.encode(session);
            for (Message message : messages) {
                producer.send(message);
            }
            count = messages.size();
        }
        List<ChangeEvent> received = new ArrayList<>();
        try (Connection connection = endpoint.connect("receiver", 100)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(WireFormat.DEFAULT_QUEUE));
            for (int i = 0; i < count; i++) {
                Message message = consumer.receive(10_000);
                assertThat(message).as("message %d of %d", i + 1, count).isInstanceOf(BytesMessage.class);
                received.addAll(EventMessages.decode(message));
            }
        }
        return received;
    }
}
