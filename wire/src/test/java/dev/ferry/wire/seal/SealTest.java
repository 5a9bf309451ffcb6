package dev.ferry.wire.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.OfflineSession;
import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;

/**
 * Sealing and opening as the producer and the consumer do it, each message marshalled through
 * OpenWire on the way, as over TCP.
 */
class SealTest {

    private static final String QUEUE = "ferry.changes";
    private static final SigningKey PRODUCER = SigningKey.generate();
    private static final SigningKey OTHER = SigningKey.generate();
    private static final EncryptionKey STREAM_KEY = EncryptionKey.generate();

    private static final byte[] BODY = "the contents of a file nobody else may read".getBytes(StandardCharsets.UTF_8);
    private static final PutFile FILE = new PutFile(RelPath.of("secret plans/moon base.txt"), 7, 0, BODY.length,
            BODY.length, "00".repeat(32), 0644, 1_000_000_000L);

    private static OutgoingMessage composed() {
        return EventMessages.compose(FILE, EncodedBody.raw(BODY, BODY.length))
                .with(WireFormat.STREAM_PROPERTY, "stream-1").with(WireFormat.STREAM_SEQ_PROPERTY, 41L);
    }

    /** What the broker hands a consumer: marshalled and read back, with an id as the broker gives. */
    private static Message overTheWire(BytesMessage sent) throws Exception {
        ActiveMQBytesMessage message = (ActiveMQBytesMessage) sent;
        message.setMessageId(new MessageId("ID:test-1:1:1:1", new Random().nextInt(1000) + 1));
        message.setDestination(new ActiveMQQueue(WireFormat.mirrorQueueOf("default", QUEUE)));
        message.onSend();
        OpenWireFormat format = new OpenWireFormat();
        ByteSequence bytes = format.marshal(message);
        ActiveMQBytesMessage received = (ActiveMQBytesMessage) format.unmarshal(bytes);
        received.setReadOnlyBody(true);
        received.setReadOnlyProperties(true);
        received.reset();
        return received;
    }

    private static Message send(Seal seal, OutgoingMessage message) throws Exception {
        return overTheWire(seal.write(OfflineSession.SESSION, message));
    }

    private static byte[] bodyOf(Message message) throws Exception {
        return EventMessages.decodedBody(message);
    }

    @Test
    void aSignedMessageFromATrustedKeyOpensAsItWasComposed() throws Exception {
        Message received = send(Seal.of(QUEUE, PRODUCER, TrustedKeys.NONE, null), composed());
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);

        Message opened = consumer.open(received);

        assertThat(EventMessages.decode(opened)).containsExactly(FILE);
        assertThat(bodyOf(opened)).isEqualTo(BODY);
        assertThat(received.getStringProperty(WireFormat.SIGNER_PROPERTY)).isEqualTo(PRODUCER.id());
        assertThat(received.getStringProperty("JMSXGroupID")).isEqualTo(WireFormat.groupOf(FILE));
    }

    @Test
    void anUnsignedMessageIsRefusedWhereKeysAreTrusted() throws Exception {
        Message received = send(Seal.none(QUEUE), composed());
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);

        assertThatThrownBy(() -> consumer.open(received)).isInstanceOf(SealException.class)
                .hasMessageContaining("not signed").hasMessageContaining(PRODUCER.id());
        assertThat(Seal.none(QUEUE).open(received)).as("a side trusting no key takes it").isSameAs(received);
    }

    @Test
    void aMessageSignedByAKeyNotTrustedIsRefused() throws Exception {
        Message received = send(Seal.of(QUEUE, OTHER, TrustedKeys.NONE, null), composed());
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);

        assertThatThrownBy(() -> consumer.open(received)).isInstanceOf(SealException.class)
                .hasMessageContaining("signed by key " + OTHER.id() + ", which this side does not trust");
    }

    @Test
    void aMessageSignedByAnotherKeyUnderATrustedKeysNameIsRefused() throws Exception {
        // The signer's id is only a hint: the signature is checked with the trusted key itself.
        OutgoingMessage forged = composed().with(WireFormat.SIGNER_PROPERTY, PRODUCER.id());
        BytesMessage sent = Seal.of(QUEUE, OTHER, TrustedKeys.NONE, null).write(OfflineSession.SESSION, forged);
        sent.setStringProperty(WireFormat.SIGNER_PROPERTY, PRODUCER.id());
        Message received = overTheWire(sent);
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);

        assertThatThrownBy(() -> consumer.open(received)).isInstanceOf(SealException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void whatASignatureCoversCannotBeAltered() throws Exception {
        Seal producer = Seal.of(QUEUE, PRODUCER, TrustedKeys.NONE, null);
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);
        byte[] altered = BODY.clone();
        altered[3] ^= 1;
        PutFile elsewhere = new PutFile(RelPath.of("elsewhere.txt"), FILE.seq(), 0, BODY.length, BODY.length,
                FILE.sha256(), 0644, 1_000_000_000L);
        List<BytesMessage> tampered = List.of(
                withBody(producer.write(OfflineSession.SESSION, composed()), altered),
                withProperty(producer.write(OfflineSession.SESSION, composed()), WireFormat.EVENT_PROPERTY,
                        dev.ferry.wire.EventCodec.toJson(elsewhere)),
                withProperty(producer.write(OfflineSession.SESSION, composed()), WireFormat.STREAM_SEQ_PROPERTY, 40L),
                withProperty(producer.write(OfflineSession.SESSION, composed()), WireFormat.ENCODING_PROPERTY, "zstd"));
        for (BytesMessage message : tampered) {
            Message received = overTheWire(message);
            assertThatThrownBy(() -> consumer.open(received)).isInstanceOf(SealException.class)
                    .hasMessageContaining("does not match what it carries");
        }
        // The same message, untouched, opens: the refusals above are the changes'.
        assertThat(consumer.open(overTheWire(producer.write(OfflineSession.SESSION, composed())))).isNotNull();
    }

    @Test
    void aSignedMessageOfOneStreamIsRefusedByTheMirrorsOfAnother() throws Exception {
        Message received = send(Seal.of("photos", PRODUCER, TrustedKeys.NONE, null), composed());
        Seal docs = Seal.of("docs", null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);

        assertThatThrownBy(() -> docs.open(received)).isInstanceOf(SealException.class)
                .hasMessageContaining("moved from another stream");
    }

    @Test
    void duringARotationMessagesOfTheOldAndTheNewKeyAreBothApplied() throws Exception {
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey(), OTHER.publicKey())), null);

        assertThat(consumer.open(send(Seal.of(QUEUE, PRODUCER, TrustedKeys.NONE, null), composed()))).isNotNull();
        assertThat(consumer.open(send(Seal.of(QUEUE, OTHER, TrustedKeys.NONE, null), composed()))).isNotNull();
        Seal afterwards = Seal.of(QUEUE, null, TrustedKeys.of(List.of(OTHER.publicKey())), null);
        assertThatThrownBy(() -> afterwards.open(send(Seal.of(QUEUE, PRODUCER, TrustedKeys.NONE, null), composed())))
                .hasMessageContaining("does not trust");
    }

    @Test
    void anEncryptedMessageShowsNeitherNameNorContentsAndOpensWhole() throws Exception {
        Seal seal = Seal.of(QUEUE, PRODUCER, TrustedKeys.of(List.of(PRODUCER.publicKey())), STREAM_KEY);
        Message received = send(seal, composed());
        byte[] wire = new OpenWireFormat().marshal(received).getData();

        assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain("moon").doesNotContain("secret plans")
                .doesNotContain("contents").doesNotContain("PutFile");
        assertThat(received.getJMSType()).isEqualTo("Sealed");
        assertThat(received.getObjectProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(41L);

        Message opened = seal.open(received);
        assertThat(EventMessages.decode(opened)).containsExactly(FILE);
        assertThat(bodyOf(opened)).isEqualTo(BODY);
        assertThat(opened.getJMSMessageID()).isEqualTo(received.getJMSMessageID());
        assertThat(opened.getObjectProperty(WireFormat.STREAM_SEQ_PROPERTY)).isEqualTo(41L);
    }

    @Test
    void theGroupOfAnEncryptedMessageIsKeyedAndStable() throws Exception {
        Seal seal = Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY);
        Seal otherKey = Seal.of(QUEUE, null, TrustedKeys.NONE, EncryptionKey.generate());
        int differs = 0;
        for (int i = 0; i < 64; i++) {
            PutFile file = new PutFile(RelPath.of("top" + i + "/f"), 1, 0, 0, 0, FILE.sha256(), 0644, 0);
            OutgoingMessage message = EventMessages.compose(file, EncodedBody.NONE);
            String group = seal.write(OfflineSession.SESSION, message).getStringProperty("JMSXGroupID");
            assertThat(group).matches("ferry-[0-9]+")
                    .isEqualTo(seal.write(OfflineSession.SESSION, EventMessages.compose(
                            new PutFile(RelPath.of("top" + i + "/g"), 2, 0, 0, 0, FILE.sha256(), 0644, 0),
                            EncodedBody.NONE)).getStringProperty("JMSXGroupID"));
            if (!group.equals(otherKey.write(OfflineSession.SESSION, message).getStringProperty("JMSXGroupID"))) {
                differs++;
            }
        }
        assertThat(differs).as("groups under another key").isGreaterThan(32);
    }

    @Test
    void aSideWithoutTheKeyRefusesAnEncryptedMessageSayingWhy() throws Exception {
        Message received = send(Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY), composed());

        assertThatThrownBy(() -> Seal.none(QUEUE).open(received)).isInstanceOf(SealException.class)
                .hasMessage("encrypted with key " + STREAM_KEY.id()
                        + ", and this side has no encryption key: give it the stream's key with --encrypt-key");
        assertThatThrownBy(() -> EventMessages.decode(received)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("--encrypt-key");
        EncryptionKey another = EncryptionKey.generate();
        assertThatThrownBy(() -> Seal.of(QUEUE, null, TrustedKeys.NONE, another).open(received))
                .hasMessageContaining("encrypted with key " + STREAM_KEY.id() + ", and this side's --encrypt-key is key "
                        + another.id());
    }

    @Test
    void aSideWithAKeyRefusesMessagesInClear() throws Exception {
        Message received = send(Seal.none(QUEUE), composed());

        assertThatThrownBy(() -> Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY).open(received))
                .isInstanceOf(SealException.class).hasMessageContaining("not encrypted");
    }

    @Test
    void anAlteredRenumberedOrMovedEncryptedMessageDoesNotOpen() throws Exception {
        Seal seal = Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY);
        BytesMessage flipped = seal.write(OfflineSession.SESSION, composed());
        byte[] body = bodyBytes(flipped);
        body[body.length - 20] ^= 1;
        List<Message> bad = List.of(overTheWire(withBody(seal.write(OfflineSession.SESSION, composed()), body)),
                overTheWire(withProperty(seal.write(OfflineSession.SESSION, composed()),
                        WireFormat.STREAM_SEQ_PROPERTY, 3L)),
                send(Seal.of("docs", null, TrustedKeys.NONE, STREAM_KEY), composed()));
        for (Message message : bad) {
            assertThatThrownBy(() -> seal.open(message)).isInstanceOf(SealException.class)
                    .hasMessageContaining("does not decrypt");
        }
        assertThat(seal.open(send(seal, composed()))).isNotNull();
    }

    @Test
    void repairMessagesTravelEncryptedAndOpen() throws Exception {
        Seal seal = Seal.of(QUEUE, PRODUCER, TrustedKeys.of(List.of(PRODUCER.publicKey())), STREAM_KEY);
        RepairMessage done = new RepairMessage.RepairDone("repair-1", 3);
        Message received = send(seal, RepairMessages.compose(done));

        assertThat(RepairMessages.isRepairMessage(received)).as("outside").isFalse();
        Message opened = seal.open(received);
        assertThat(RepairMessages.isRepairMessage(opened)).isTrue();
        assertThat(RepairMessages.decode(opened)).isEqualTo(done);
    }

    @Test
    void insideAnEncryptedMessageOnlyFerrysPropertiesAreTaken() throws Exception {
        // A side holding the stream's key (any mirror) could put anything inside: a header's name
        // must not pass for the header, nor a value the broker's setter chokes on stop the reader.
        Seal seal = Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY);
        for (String name : List.of("JMSPriority", "JMSXGroupID", "", "JMSCorrelationID")) {
            Message received = send(seal, composed().with(name, "high"));
            assertThatThrownBy(() -> seal.open(received)).as(name).isInstanceOf(SealException.class)
                    .hasMessageContaining("not Ferry's");
        }
    }

    @Test
    void aSignatureCoversALargeBodyTheCorrelationIdAndTheRepairKind() throws Exception {
        Seal producer = Seal.of(QUEUE, PRODUCER, TrustedKeys.NONE, null);
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.of(List.of(PRODUCER.publicKey())), null);
        byte[] large = new byte[300_000]; // more than one of the digest's 64 KiB reads
        new Random(7).nextBytes(large);
        PutFile file = new PutFile(RelPath.of("large.bin"), 3, 0, large.length, large.length, "00".repeat(32), 0644, 0);
        BytesMessage flippedLate = producer.write(OfflineSession.SESSION,
                EventMessages.compose(file, EncodedBody.raw(large, large.length)));
        byte[] body = bodyBytes(flippedLate);
        body[250_000] ^= 1;
        RepairMessage done = new RepairMessage.RepairDone("repair-1", 3);
        List<BytesMessage> tampered = List.of(withBody(flippedLate, body),
                withCorrelation(producer.write(OfflineSession.SESSION, RepairMessages.compose(done)), "repair-2"),
                withProperty(producer.write(OfflineSession.SESSION, RepairMessages.compose(done)),
                        WireFormat.CONTROL_PROPERTY, "RepairRequest"));
        for (BytesMessage message : tampered) {
            Message received = overTheWire(message);
            assertThatThrownBy(() -> consumer.open(received)).isInstanceOf(SealException.class)
                    .hasMessageContaining("does not match");
        }
        Message intact = overTheWire(producer.write(OfflineSession.SESSION,
                EventMessages.compose(file, EncodedBody.raw(large, large.length))));
        assertThat(bodyOf(consumer.open(intact))).isEqualTo(large);
    }

    @Test
    void aRepairRequestWhoseAnswersWereRedirectedOnTheWayIsRefused() throws Exception {
        Seal consumer = Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY);
        String mine = WireFormat.mirrorQueueOf("a", QUEUE);
        RepairMessage done = new RepairMessage.RepairDone("repair-1", 3);
        BytesMessage request = consumer.write(OfflineSession.SESSION, RepairMessages.compose(done)
                .with(WireFormat.REPLY_TO_PROPERTY, mine));
        request.setJMSReplyTo(new ActiveMQQueue(mine));
        Message honest = overTheWire(request);
        RepairMessages.checkReplyQueue(consumer.open(honest));

        BytesMessage redirected = consumer.write(OfflineSession.SESSION, RepairMessages.compose(done)
                .with(WireFormat.REPLY_TO_PROPERTY, mine));
        redirected.setJMSReplyTo(new ActiveMQQueue(WireFormat.mirrorQueueOf("b", QUEUE)));
        Message opened = consumer.open(overTheWire(redirected));
        assertThatThrownBy(() -> RepairMessages.checkReplyQueue(opened)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("redirected on the way");
    }

    @Test
    void encryptedTextOpensOnlyForWhatItWasSealedFor() {
        Seal seal = Seal.of(QUEUE, null, TrustedKeys.NONE, STREAM_KEY);
        String sealed = seal.protect("failed 3 times applying secret plans/moon base.txt", "reason of ID:1");

        assertThat(sealed).startsWith(Seal.SEALED_TEXT).doesNotContain("moon");
        assertThat(seal.reveal(sealed, "reason of ID:1")).isEqualTo("failed 3 times applying secret plans/moon base.txt");
        assertThat(seal.reveal(sealed, "reason of ID:2")).as("moved to another message").isEqualTo("(encrypted)");
        assertThat(Seal.none(QUEUE).reveal(sealed, "reason of ID:1")).isEqualTo("(encrypted)");
        assertThat(Seal.none(QUEUE).protect("sealed:notes.txt", "x")).isEqualTo("sealed:notes.txt");
        assertThat(Seal.none(QUEUE).reveal("sealed:notes.txt", "x")).as("a name that looks like the marker")
                .isEqualTo("sealed:notes.txt");
    }

    private static byte[] bodyBytes(BytesMessage message) throws JMSException {
        ActiveMQBytesMessage copy = (ActiveMQBytesMessage) ((ActiveMQBytesMessage) message).copy();
        copy.reset();
        byte[] body = new byte[(int) copy.getBodyLength()];
        copy.readBytes(body);
        return body;
    }

    private static BytesMessage withBody(BytesMessage message, byte[] body) throws JMSException {
        message.clearBody();
        message.writeBytes(body);
        return message;
    }

    private static BytesMessage withCorrelation(BytesMessage message, String id) throws JMSException {
        message.setJMSCorrelationID(id);
        return message;
    }

    private static BytesMessage withProperty(BytesMessage message, String name, Object value) throws JMSException {
        message.setObjectProperty(name, value);
        return message;
    }
}
