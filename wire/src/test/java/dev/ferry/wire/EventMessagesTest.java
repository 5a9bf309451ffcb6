package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.ChangeEvent.PutFile;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.junit.jupiter.api.Test;

class EventMessagesTest {

    /** Creates messages as a real session would, without a broker. */
    private static final Session SESSION = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> {
                if (method.getName().equals("createBytesMessage")) {
                    return new ActiveMQBytesMessage();
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private static PutFile file(String path, long seq, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new PutFile(RelPath.of(path), seq, 0, bytes.length, bytes.length, sha, 0644, 1_000_000_000L);
    }

    /** The message as a consumer receives it: read-only, positioned at the start of the body. */
    private static BytesMessage received(BytesMessage sent) throws JMSException {
        ((ActiveMQBytesMessage) sent).reset();
        return sent;
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
}
