package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.ChangeEvent.PutFile;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMessagesTest {

    private static final Session SESSION = OfflineSession.SESSION;

    private static PutFile file(String path, long seq, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new PutFile(RelPath.of(path), seq, 0, bytes.length, bytes.length, sha, 0644, 1_000_000_000L);
    }

    private static BytesMessage received(BytesMessage sent) throws JMSException {
        return OfflineSession.received(sent);
    }

    @Test
    void aBundleCarriesItsFilesInOrderWithTheirBodiesOneAfterTheOther() throws Exception {
        List<PutFile> files = List.of(file("d/a.txt", 1, "alpha"), file("d/b.txt", 2, "be"));
        byte[] bodies = "alphabe".getBytes(StandardCharsets.UTF_8);

        BytesMessage message = received(EventMessages.encodeBundle(SESSION, files, bodies, bodies.length));

        assertThat(EventMessages.decode(message)).containsExactlyElementsOf(files);
        assertThat(message.getStringProperty("JMSXGroupID")).isEqualTo(WireFormat.groupOf(files.get(0)));
        byte[] read = new byte[7];
        assertThat(message.readBytes(read)).isEqualTo(7);
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("alphabe");
    }

    @Test
    void aSingleEventDecodesAsAListOfOne() throws Exception {
        ChangeEvent delete = new ChangeEvent.Delete(RelPath.of("gone"), 3);
        assertThat(EventMessages.decode(received(EventMessages.encode(SESSION, delete)))).containsExactly(delete);
    }

    @Test
    void aBundleWhoseBodiesDoNotAddUpIsRejected() throws Exception {
        List<PutFile> files = List.of(file("a", 1, "alpha"), file("b", 2, "be"));
        byte[] bodies = "alphab".getBytes(StandardCharsets.UTF_8);
        BytesMessage message = received(EventMessages.encodeBundle(SESSION, files, bodies, bodies.length));

        assertThatThrownBy(() -> EventMessages.decode(message)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("body is 6 bytes but the bundle of 2 files declares 7");
    }

    @Test
    void aBundleMayHoldOnlyWholeFiles() throws Exception {
        BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.VERSION);
        message.setStringProperty(WireFormat.BUNDLE_PROPERTY, "[" + EventCodec.toJson(
                new ChangeEvent.Delete(RelPath.of("x"), 1)) + "]");
        assertThatThrownBy(() -> EventMessages.decode(received(message))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("only hold whole files");
    }

    @Test
    void emptyNullAndAmbiguousBundlesAreRejected() throws Exception {
        for (String json : new String[] {"[]", "null", "[null]", "{}"}) {
            BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
            message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.VERSION);
            message.setStringProperty(WireFormat.BUNDLE_PROPERTY, json);
            assertThatThrownBy(() -> EventMessages.decode(received(message))).as(json)
                    .isInstanceOf(WireFormatException.class);
        }
        BytesMessage both = EventMessages.encodeBundle(SESSION, List.of(file("a", 1, "")), new byte[0], 0);
        both.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(file("a", 1, "")));
        assertThatThrownBy(() -> EventMessages.decode(received(both))).hasMessageContaining("both");
    }

    @Test
    void theEventTravelsAsAsciiWhateverThePathHolds() throws Exception {
        ChangeEvent delete = new ChangeEvent.Delete(RelPath.of("\uD83D\uDE00/caf\u00e9/\uD840\uDC0B"), 4);
        BytesMessage message = received(EventMessages.encode(SESSION, delete));

        assertThat(message.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(2);
        assertThat(message.getStringProperty(WireFormat.EVENT_PROPERTY)).isASCII()
                .contains("\\uD83D\\uDE00");
        assertThat(EventMessages.decode(message)).containsExactly(delete);
    }

    /** A message as a producer of wire version 1 wrote it: the JSON with every character as it is. */
    private static BytesMessage versionOne(String json) throws JMSException {
        BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 1);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, json);
        return received(message);
    }

    @Test
    void aVersionOneMessageLeftOnTheQueueIsStillApplied() throws Exception {
        // What a version 1 producer wrote for this delete, whose name is in the BMP.
        BytesMessage message = versionOne("{\"kind\":\"delete\",\"path\":\"caf\u00e9/\u4e2d.txt\",\"seq\":5}");

        assertThat(EventMessages.decode(message)).containsExactly(
                new ChangeEvent.Delete(RelPath.of("caf\u00e9/\u4e2d.txt"), 5));
    }

    @Test
    void aVersionOneMessageWhoseNameTheBrokerCorruptedIsRefusedSayingWhatToDo() throws Exception {
        // A version 1 "a-\uD83D\uDE00.txt" after OpenWire: each half of the emoji became U+FFFD.
        BytesMessage message = versionOne("{\"kind\":\"delete\",\"path\":\"a-\uFFFD\uFFFD.txt\",\"seq\":6}");

        assertThatThrownBy(() -> EventMessages.decode(message)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("wire version 1")
                .hasMessageContaining("U+FFFD")
                .hasMessageContaining("touch the path in the source to publish it again");
    }

    @Test
    void aVersionTwoMessageThatIsNotAsciiWasChangedOnTheWayAndIsRefused() throws Exception {
        BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 2);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, "{\"kind\":\"delete\",\"path\":\"caf\u00e9\",\"seq\":7}");

        assertThatThrownBy(() -> EventMessages.decode(received(message))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("not ASCII");
    }

    @Test
    void aNewerVersionAsksForANewerConsumerAndAnImpossibleOneDoesNot() throws Exception {
        for (int version : new int[] {5, 0, -1}) {
            BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
            message.setIntProperty(WireFormat.VERSION_PROPERTY, version);
            message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(new ChangeEvent.Delete(RelPath.of("x"), 1)));

            if (version > WireFormat.VERSION) {
                assertThatThrownBy(() -> EventMessages.decode(received(message)))
                        .hasMessage("unsupported wire version 5 (this consumer reads 1 to 4; upgrade the consumer)");
            } else {
                assertThatThrownBy(() -> EventMessages.decode(received(message)))
                        .hasMessage("unsupported wire version " + version + " (this consumer reads 1 to 4)");
            }
        }
    }

    @Test
    void everyEventVersionTwoKnowsIsStillWrittenAsVersionTwoSoAnOlderConsumerAppliesIt() throws Exception {
        List<ChangeEvent> versionTwo = List.of(new ChangeEvent.Delete(RelPath.of("x"), 1),
                new ChangeEvent.PutDirectory(RelPath.of("d"), 2, 0755, 5), file("f", 3, "f"));
        for (ChangeEvent event : versionTwo) {
            assertThat(received(EventMessages.encode(SESSION, event)).getIntProperty(WireFormat.VERSION_PROPERTY))
                    .as(event.toString()).isEqualTo(2);
        }
        BytesMessage bundle = EventMessages.encodeBundle(SESSION, List.of(file("a", 1, "")), new byte[0], 0);
        assertThat(bundle.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(2);
    }

    @Test
    void attributesTravelAsVersionThreeWithoutABody() throws Exception {
        ChangeEvent attributes = new ChangeEvent.PutAttributes(RelPath.of("docs/a.txt"), 9, 0600, 1_234_567_890L);

        BytesMessage message = received(EventMessages.encode(SESSION, attributes));

        assertThat(message.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(3);
        assertThat(message.getBodyLength()).isZero();
        assertThat(EventMessages.decode(message)).containsExactly(attributes);
    }

    @Test
    void attributesInAVersionTwoMessageAreRefused() throws Exception {
        BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 2);
        message.setStringProperty(WireFormat.EVENT_PROPERTY,
                EventCodec.toJson(new ChangeEvent.PutAttributes(RelPath.of("a"), 1, 0644, 0)));

        assertThatThrownBy(() -> EventMessages.decode(received(message))).isInstanceOf(WireFormatException.class)
                .hasMessage("a PutAttributes event needs wire version 3, but came in a version 2 message");
    }

    @Test
    void aRepairMessageIsNeverTakenForAnEvent() throws Exception {
        BytesMessage message = RepairMessages.encode(SESSION, new RepairMessage.RepairDone("r-1", 0));

        assertThatThrownBy(() -> EventMessages.decode(received(message))).isInstanceOf(WireFormatException.class)
                .hasMessage("a repair message (RepairDone), not a change event");
    }
}
