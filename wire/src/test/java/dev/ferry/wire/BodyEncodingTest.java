package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.ferry.wire.ChangeEvent.PutFile;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compressed bodies: what a producer writes, what a consumer reads back, and what it refuses. */
class BodyEncodingTest {

    private static final Session SESSION = OfflineSession.SESSION;
    private static final byte[] TEXT = ("public final class Example {\n    // Text compresses several times.\n}\n")
            .repeat(200).getBytes(StandardCharsets.US_ASCII);

    private static PutFile file(String path, long seq, byte[] bytes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new PutFile(RelPath.of(path), seq, 0, bytes.length, bytes.length, sha, 0644, 1_000_000_000L);
    }

    private static EncodedBody zstd(byte[] body) {
        byte[] frame = new byte[BodyEncoding.maxEncodedLength(body.length)];
        return new EncodedBody(BodyEncoding.ZSTD, frame, BodyEncoding.compress(body, body.length, frame));
    }

    /** A message claiming {@code file} whose body is {@code frame}, encoded by {@code encoding}, as version 4. */
    private static BytesMessage claiming(PutFile file, String encoding, byte[] frame) throws JMSException {
        BytesMessage message = SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.ENCODED_VERSION);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(file));
        message.setStringProperty(WireFormat.ENCODING_PROPERTY, encoding);
        message.writeBytes(frame);
        return OfflineSession.received(message);
    }

    /** The body the consumer reads from {@code message}, as it would. */
    private static byte[] decoded(BytesMessage message) throws Exception {
        EventMessages.Applicable applicable = EventMessages.decodeApplicable(message);
        return BodyEncoding.decode(message, applicable.encoding(), applicable.bodyLength(), "the body");
    }

    @Test
    void aCompressedFileTravelsAsVersionFourDeclaringItsDecodedLength() throws Exception {
        PutFile file = file("src/Example.java", 1, TEXT);
        EncodedBody body = zstd(TEXT);

        BytesMessage message = OfflineSession.received(EventMessages.encode(SESSION, file, body));

        assertThat(message.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(4);
        assertThat(message.getStringProperty(WireFormat.ENCODING_PROPERTY)).isEqualTo("zstd");
        assertThat(message.getBodyLength()).isEqualTo(body.length()).isLessThan(TEXT.length / 10);
        assertThat(EventMessages.decode(message)).containsExactly(file);
        assertThat(decoded(message)).isEqualTo(TEXT);
        assertThat(EventMessages.decodedBody(message)).as("for tools and tests").isEqualTo(TEXT);
    }

    @Test
    void aCompressedBundleDecodesToItsFilesBodiesOneAfterTheOther() throws Exception {
        byte[] a = Arrays.copyOf(TEXT, 1000);
        byte[] b = Arrays.copyOfRange(TEXT, 1000, 3000);
        List<PutFile> files = List.of(file("d/a.txt", 1, a), file("d/b.txt", 2, b));
        byte[] both = Arrays.copyOf(TEXT, 3000);

        BytesMessage message = OfflineSession.received(EventMessages.encodeBundle(SESSION, files, zstd(both)));

        assertThat(message.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(4);
        EventMessages.Applicable applicable = EventMessages.decodeApplicable(message);
        assertThat(applicable.events()).containsExactlyElementsOf(files);
        assertThat(applicable.bodyOffsets()).containsExactly(0, 1000);
        assertThat(applicable.bodyLength()).isEqualTo(3000);
        assertThat(decoded(message)).isEqualTo(both);
    }

    @Test
    void aBodyThatIsNotCompressedKeepsTheLowestVersionThatCarriesIt() throws Exception {
        PutFile file = file("a.txt", 1, TEXT);
        BytesMessage single = OfflineSession.received(EventMessages.encode(SESSION, file, TEXT, TEXT.length));
        BytesMessage bundle = OfflineSession.received(EventMessages.encodeBundle(SESSION, List.of(file), TEXT,
                TEXT.length));
        BytesMessage attributes = OfflineSession.received(EventMessages.encode(SESSION,
                new ChangeEvent.PutAttributes(RelPath.of("a.txt"), 2, 0600, 5)));

        assertThat(single.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(2);
        assertThat(bundle.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(2);
        assertThat(attributes.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(3);
        for (BytesMessage message : List.of(single, bundle, attributes)) {
            assertThat(message.propertyExists(WireFormat.ENCODING_PROPERTY)).isFalse();
            assertThat(EventMessages.decodeApplicable(message).isEncoded()).isFalse();
        }
        assertThat(RepairMessages.encode(SESSION, new RepairMessage.RepairDone("r-1", 0))
                .getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(3);
    }

    @Test
    void aBombWhoseFrameDeclaresItsSizeIsRefusedBeforeAnythingIsInflated() throws Exception {
        byte[] bomb = new byte[100 * 1024 * 1024]; // zeros: some 3 KiB of frame
        byte[] frame = new ZstdCompressCtx().setLevel(1).setContentSize(true).compress(bomb);
        BytesMessage message = claiming(file("small.txt", 1, new byte[1024]), BodyEncoding.ZSTD, frame);

        assertThatThrownBy(() -> EventMessages.decodeApplicable(message)).isInstanceOf(WireFormatException.class)
                .hasMessage("the body of PutFile small.txt is a zstd frame of 104857600 bytes, but its event declares 1024");
    }

    @Test
    void aBombWhoseFrameHidesItsSizeStopsAtTheDeclaredLength() throws Exception {
        byte[] frame = new ZstdCompressCtx().setLevel(1).setContentSize(false).compress(new byte[100 * 1024 * 1024]);
        BytesMessage message = claiming(file("small.txt", 1, new byte[1024]), BodyEncoding.ZSTD, frame);

        EventMessages.Applicable applicable = EventMessages.decodeApplicable(message); // the header says nothing
        assertThatThrownBy(() -> BodyEncoding.decode(message, applicable.encoding(), applicable.bodyLength(),
                "the body of small.txt")).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith("the body of small.txt does not decode to the 1024 bytes its event declares");
    }

    @Test
    void aFrameThatDecodesToLessThanDeclaredIsRefused() throws Exception {
        byte[] frame = new ZstdCompressCtx().setLevel(1).setContentSize(false).compress(new byte[1000]);
        BytesMessage message = claiming(file("short.txt", 1, new byte[1024]), BodyEncoding.ZSTD, frame);

        assertThatThrownBy(() -> decoded(message)).isInstanceOf(WireFormatException.class)
                .hasMessage("the body decodes to 1000 bytes, but its event declares 1024");
    }

    @Test
    void aTruncatedFrameIsRefused() throws Exception {
        EncodedBody body = zstd(TEXT);
        byte[] cut = Arrays.copyOf(body.bytes(), body.length() - 5);
        BytesMessage message = claiming(file("cut.txt", 1, TEXT), BodyEncoding.ZSTD, cut);

        assertThatThrownBy(() -> decoded(message)).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith("the body does not decode to the " + TEXT.length + " bytes its event declares");
    }

    @Test
    void garbageIsNoFrame() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        BytesMessage message = claiming(file("noise.bin", 1, garbage), BodyEncoding.ZSTD, garbage);

        assertThatThrownBy(() -> EventMessages.decodeApplicable(message)).isInstanceOf(WireFormatException.class)
                .hasMessage("the body of PutFile noise.bin is not a zstd frame");
    }

    @Test
    void anUnknownEncodingIsRefusedAskingForAnUpgrade() throws Exception {
        BytesMessage message = claiming(file("a.txt", 1, TEXT), "lzma", TEXT);

        assertThatThrownBy(() -> EventMessages.decodeApplicable(message)).isInstanceOf(WireFormatException.class)
                .hasMessage("a body encoded by \"lzma\", which this consumer does not read (it reads zstd; upgrade "
                        + "the consumer)");
    }

    @Test
    void anEncodingInAnOlderVersionIsRefused() throws Exception {
        BytesMessage message = SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 3);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(file("a.txt", 1, TEXT)));
        message.setStringProperty(WireFormat.ENCODING_PROPERTY, BodyEncoding.ZSTD);
        EncodedBody body = zstd(TEXT);
        message.writeBytes(body.bytes(), 0, body.length());

        assertThatThrownBy(() -> EventMessages.decodeApplicable(OfflineSession.received(message)))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("a wire version 3 message whose body is encoded by \"zstd\" (compressed bodies came with "
                        + "version 4)");
    }

    @Test
    void aCompressedBodyLongerThanAnyChunkCouldBecomeIsRefused() throws Exception {
        byte[] huge = new byte[BodyEncoding.MAX_ENCODED_BYTES + 1];
        BytesMessage message = claiming(file("a.txt", 1, TEXT), BodyEncoding.ZSTD, huge);

        assertThatThrownBy(() -> EventMessages.decodeApplicable(message)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("bytes compressed (at most " + BodyEncoding.MAX_ENCODED_BYTES + ")");
    }

    @Test
    void anEventThatDeclaresMoreThanAChunkIsRefusedBeforeAnyBufferIsMade() throws Exception {
        byte[] frame = zstd(TEXT).bytes();
        assertThatThrownBy(() -> BodyEncoding.decode(BodyEncoding.ZSTD, frame, frame.length, Integer.MAX_VALUE, "it"))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("it declares 2147483647 bytes (at most " + WireFormat.MAX_CHUNK_BYTES + ")");
    }
}
