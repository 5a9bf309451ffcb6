package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.BodyEncoding;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Against a real (embedded) broker: what the producer commits arrives as decodable messages. */
class JmsChangeSinkTest {

    private static final String QUEUE = "ferry.test";
    /** Mirror default's queue, which the sink keeps. */
    private static final String MIRROR_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE);
    private static final List<String> DEFAULT_ONLY = List.of(WireFormat.DEFAULT_MIRROR);

    @TempDir
    Path temp;

    BrokerService broker;
    BrokerEndpoint endpoint;
    Connection reader;
    StreamSequence stream = StreamSequence.start();

    @BeforeEach
    void startBroker() throws Exception {
        broker = InMemoryBroker.start("producer-test");
        endpoint = new BrokerEndpoint("vm://producer-test?create=false", null, null);
        reader = endpoint.connect(null, 10);
    }

    @AfterEach
    void stopBroker() throws Exception {
        reader.close();
        broker.stop();
        broker.waitUntilStopped();
    }

    @Test
    void eventsArriveDecodableWithTheirGroupAndBodyOnlyOnceCommitted() throws Exception {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        PutFile put = new PutFile(RelPath.of("docs/a.txt"), 1, 0, body.length, body.length,
                SourceFixture.sha256(body), 0644, 1_000);
        Delete delete = new Delete(RelPath.of("old"), 2);
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(MIRROR_QUEUE));

        try (JmsChangeSink sink = open(DEFAULT_ONLY)) {
            sink.send(put, body, body.length);
            sink.send(delete, null, 0);
            assertThat(consumer.receive(200)).isNull(); // Not committed: invisible.
            sink.commit();

            BytesMessage first = (BytesMessage) consumer.receive(5_000);
            assertThat(EventMessages.decode(first)).containsExactly(put);
            assertThat(first.getStringProperty(WireFormat.STREAM_PROPERTY)).isEqualTo(stream.id());
            assertThat(first.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(1);
            assertThat(first.getStringProperty("JMSXGroupID")).isEqualTo(WireFormat.groupOf(put));
            byte[] received = new byte[(int) first.getBodyLength()];
            first.readBytes(received);
            assertThat(received).isEqualTo(body);
            Message second = consumer.receive(5_000);
            assertThat(EventMessages.decode(second)).containsExactly(delete);
            assertThat(second.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(2);
            assertThat(second.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
        }
    }

    @Test
    void smallWholeFilesOfOneGroupTravelTogetherAndOtherEventsKeepTheirPlace() throws Exception {
        List<PutFile> docs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] body = ("doc " + i).getBytes(StandardCharsets.UTF_8);
            docs.add(new PutFile(RelPath.of("docs/" + i + ".txt"), 10 + i, 0, body.length, body.length,
                    SourceFixture.sha256(body), 0644, 1_000));
        }
        Delete delete = new Delete(RelPath.of("docs/1.txt"), 20);
        byte[] late = "late".getBytes(StandardCharsets.UTF_8);
        PutFile after = new PutFile(RelPath.of("docs/late.txt"), 21, 0, late.length, late.length,
                SourceFixture.sha256(late), 0644, 1_000);
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(MIRROR_QUEUE));

        try (JmsChangeSink sink = open(DEFAULT_ONLY)) {
            for (int i = 0; i < 3; i++) {
                byte[] body = ("doc " + i).getBytes(StandardCharsets.UTF_8);
                sink.send(docs.get(i), body, body.length);
            }
            sink.send(delete, null, 0);
            sink.send(after, late, late.length);
            sink.commit();
        }

        BytesMessage bundle = (BytesMessage) consumer.receive(5_000);
        assertThat(EventMessages.decode(bundle)).containsExactlyElementsOf(docs);
        byte[] bodies = new byte[(int) bundle.getBodyLength()];
        bundle.readBytes(bodies);
        assertThat(new String(bodies, StandardCharsets.UTF_8)).isEqualTo("doc 0doc 1doc 2");
        assertThat(bundle.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY)).as("a bundle is one message").isEqualTo(1);
        Message next = consumer.receive(5_000);
        assertThat(EventMessages.decode(next)).as("after the bundle").containsExactly(delete);
        assertThat(next.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(2);
        Message lone = consumer.receive(5_000);
        assertThat(EventMessages.decode(lone)).as("a lone file travels alone").containsExactly(after);
        assertThat(lone.getLongProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(3);
        assertThat(consumer.receive(200)).isNull();
    }

    @Test
    void textTravelsCompressedRandomBytesDoNotAndTheSinkCountsWhatTraveled() throws Exception {
        byte[] text = ("<p>Some text of a page, as it is found in documentation trees.</p>\n").repeat(2000)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[200_000];
        new java.util.Random(5).nextBytes(noise);
        PutFile page = new PutFile(RelPath.of("docs/page.html"), 1, 0, text.length, text.length,
                SourceFixture.sha256(text), 0644, 1_000);
        PutFile blob = new PutFile(RelPath.of("docs/blob.bin"), 2, 0, noise.length, noise.length,
                SourceFixture.sha256(noise), 0644, 1_000);
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(MIRROR_QUEUE));

        long wire;
        try (JmsChangeSink sink = open(DEFAULT_ONLY)) {
            sink.send(page, text, text.length);
            sink.send(blob, noise, noise.length);
            sink.commit();
            wire = sink.wireBytes();
        }

        BytesMessage compressed = (BytesMessage) consumer.receive(5_000);
        assertThat(compressed.getStringProperty(WireFormat.ENCODING_PROPERTY)).isEqualTo(BodyEncoding.ZSTD);
        assertThat(compressed.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(WireFormat.ENCODED_VERSION);
        EventMessages.Applicable applicable = EventMessages.decodeApplicable(compressed);
        assertThat(applicable.events()).containsExactly(page);
        assertThat(BodyEncoding.decode(compressed, applicable.encoding(), applicable.bodyLength(), "page"))
                .isEqualTo(text);
        BytesMessage raw = (BytesMessage) consumer.receive(5_000);
        assertThat(raw.propertyExists(WireFormat.ENCODING_PROPERTY)).isFalse();
        assertThat(raw.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(WireFormat.EVENT_VERSION);
        assertThat(raw.getBodyLength()).isEqualTo(noise.length);
        assertThat(wire).isEqualTo(compressed.getBodyLength() + raw.getBodyLength());
        assertThat(compressed.getBodyLength()).isLessThan(text.length / 10);
    }

    @Test
    void everyMirrorItKeepsReceivesEveryCommittedEventFromTheFirstEvenBeforeItsConsumerRan() throws Exception {
        Delete uncommitted = new Delete(RelPath.of("never"), 1);
        Delete committed = new Delete(RelPath.of("old"), 2);
        Delete later = new Delete(RelPath.of("later"), 3);
        String office = WireFormat.mirrorQueueOf("office", QUEUE);
        String offsite = WireFormat.mirrorQueueOf("offsite", QUEUE);
        String lateJoiner = WireFormat.mirrorQueueOf("late", QUEUE);

        try (JmsChangeSink sink = open(List.of("office", "offsite"))) {
            sink.send(uncommitted, null, 0);
        }
        try (JmsChangeSink sink = open(List.of("office", "offsite"))) {
            sink.send(committed, null, 0);
            sink.commit();
            Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(lateJoiner)).close(); // its queue exists from now on
            sink.send(later, null, 0);
            sink.commit();
        }

        assertThat(changesOn(office)).containsExactly("delete old", "delete later");
        assertThat(changesOn(offsite)).containsExactly("delete old", "delete later");
        assertThat(changesOn(lateJoiner)).as("a mirror not kept receives what is published once its queue exists")
                .containsExactly("delete later");
        assertThat(changesOn(QUEUE)).as("the queue of before mirrors").isEmpty();
    }

    @Test
    void aProducerPublishesATreeThroughTheBroker() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("docs/a.txt", "a");
        // Settled, so it is sent in the first pass, before its directory, not retried after it.
        tree.setModified("docs/a.txt", Instant.now().minusSeconds(60));
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(
                session.createQueue(WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, tree.settings().queue())));

        try (Producer producer = Producer.open(tree.settings(), endpoint)) {
            assertThat(producer.publishOnce().events()).isEqualTo(2);
        }

        List<String> changes = new ArrayList<>();
        for (Message message = consumer.receive(5_000); message != null; message = consumer.receive(200)) {
            for (ChangeEvent event : EventMessages.decode(message)) {
                changes.add(RecordingSink.describe(event));
            }
        }
        assertThat(changes).containsExactly("put docs/a.txt", "dir docs");
    }

    @Test
    void aFailureNamesTheBrokerAndTheQueue() throws Exception {
        JmsChangeSink sink = open(DEFAULT_ONLY);
        sink.close();

        assertThatThrownBy(() -> sink.send(new Delete(RelPath.of("x"), 1), null, 0))
                .isInstanceOf(IOException.class).isNotInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("vm://producer-test").hasMessageContaining(QUEUE).hasMessageContaining("x");
        assertThatThrownBy(sink::reconnect).isNotInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("closed");
    }

    @Test
    @Timeout(30)
    void aStoppedBrokerIsNoticedWithoutSendingAndReconnectingAfterItsReturnSendsAgain() throws Exception {
        Delete delete = new Delete(RelPath.of("old"), 1);
        try (JmsChangeSink sink = open(DEFAULT_ONLY)) {
            sink.send(delete, null, 0); // Left uncommitted when the broker goes.
            broker.stop();
            broker.waitUntilStopped();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(sink::checkConnected)
                    .isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("vm://producer-test"));
            assertThatThrownBy(sink::commit).isInstanceOf(BrokerUnavailableException.class);
            assertThatThrownBy(sink::reconnect).isInstanceOf(BrokerUnavailableException.class);

            broker = InMemoryBroker.start("producer-test");
            sink.reconnect();
            sink.checkConnected();
            sink.send(delete, null, 0);
            sink.commit();
        }

        reader.close();
        reader = endpoint.connect(null, 10);
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(MIRROR_QUEUE));
        assertThat(EventMessages.decode(consumer.receive(5_000))).containsExactly(delete);
        assertThat(consumer.receive(200)).isNull();
    }

    /** A sink of the stream {@code QUEUE} numbering its messages in a new stream. */
    private JmsChangeSink open(List<String> mirrors) throws Exception {
        JmsChangeSink sink = JmsChangeSink.open(endpoint, QUEUE, mirrors);
        sink.useStream(stream);
        return sink;
    }

    /** The changes waiting on {@code queue}, taken off it. */
    private List<String> changesOn(String queue) throws Exception {
        Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
        List<String> changes = new ArrayList<>();
        for (Message message = consumer.receive(1_000); message != null; message = consumer.receive(200)) {
            EventMessages.decode(message).forEach(event -> changes.add(RecordingSink.describe(event)));
        }
        session.close();
        return changes;
    }
}
