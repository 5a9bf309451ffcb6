package dev.ferry.wire;

import static dev.ferry.wire.OfflineSession.SESSION;
import static dev.ferry.wire.OfflineSession.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import jakarta.jms.BytesMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Repair messages travel whole and small, and a hostile one is refused with its reason before it costs much. */
class RepairMessagesTest {

    private static final String SHA = "ab".repeat(32);
    private static final DirectoryDigest DIGEST = new DirectoryDigest("cd".repeat(32), 3);

    @Test
    void everyKindTravelsWholeWithItsKindAndIdOnTheEnvelope() throws Exception {
        Map<String, DirectoryDigest> digests = new HashMap<>();
        digests.put("", DIGEST);
        digests.put("caf\u00e9/\uD83D\uDE00", null);
        Map<String, List<ListedEntry>> listings = new LinkedHashMap<>();
        listings.put("", List.of(new ListedEntry.File("a.txt", 12, 0644, -5, SHA),
                new ListedEntry.Directory("d", 0755, 1_700_000_000_123L, DIGEST),
                new ListedEntry.Directory("no-digest", 0700, 0, null),
                new ListedEntry.Symlink("l", "/etc/passwd"), new ListedEntry.Special("fifo")));
        listings.put("d", List.of());
        List<RepairMessage> all = List.of(new RepairRequest("r-1", "office", digests),
                new RepairDescribe("r-1", List.of("", "d")), new RepairEntries("r-1", listings),
                new RepairDone("r-1", 7));

        for (RepairMessage repair : all) {
            BytesMessage message = received(RepairMessages.encode(SESSION, repair));

            assertThat(RepairMessages.isRepairMessage(message)).isTrue();
            assertThat(message.getIntProperty(WireFormat.VERSION_PROPERTY)).isEqualTo(3);
            assertThat(message.getStringProperty(WireFormat.CONTROL_PROPERTY)).isEqualTo(RepairMessages.kindOf(repair));
            assertThat(message.getJMSCorrelationID()).isEqualTo("r-1");
            assertThat(RepairMessages.decode(message)).isEqualTo(repair);
        }
    }

    @Test
    void aSmallMessageIsPlainAsciiJsonAndALargeOneIsCompressed() throws Exception {
        BytesMessage done = received(RepairMessages.encode(SESSION, new RepairDone("r-2", 0)));
        assertThat(done.propertyExists(WireFormat.ENCODING_PROPERTY)).isFalse();
        assertThat(new String(body(done), StandardCharsets.US_ASCII)).isEqualTo("{\"id\":\"r-2\",\"sent\":0}");

        Map<String, DirectoryDigest> digests = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            digests.put(i == 0 ? "" : "dir-" + i, DIGEST);
        }
        RepairRequest request = new RepairRequest("r-2", "default", digests);
        BytesMessage message = received(RepairMessages.encode(SESSION, request));

        assertThat(message.getStringProperty(WireFormat.ENCODING_PROPERTY)).isEqualTo("gzip");
        assertThat(message.getBodyLength()).isLessThan(RepairCodec.toJson(request).length / 10);
        assertThat(RepairMessages.decode(message)).isEqualTo(request);
    }

    @Test
    void aCompressedBodyIsReadNoFurtherThanTheBoundWhateverItInflatesTo() throws Exception {
        // 66 MiB of blanks inside a valid start: some 64 KB compressed.
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write("{\"id\":\"r-3\",\"digests\":{".getBytes(StandardCharsets.US_ASCII));
            byte[] blanks = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 66; i++) {
                out.write(blanks);
            }
        }
        BytesMessage bomb = hostile("RepairRequest", "r-3", compressed.toByteArray(), true);

        assertThatThrownBy(() -> RepairMessages.decode(bomb)).isInstanceOf(WireFormatException.class)
                .hasMessage("a RepairRequest: its JSON is longer than " + RepairMessages.MAX_JSON_BYTES + " bytes");
    }

    @Test
    void aListingOfMoreEntriesThanTheBoundIsRefusedAsSoonAsItPassesIt() throws Exception {
        StringBuilder json = new StringBuilder("{\"id\":\"r-4\",\"listings\":{\"\":[");
        for (int i = 0; i <= RepairMessage.MAX_ENTRIES; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"special\",\"name\":\"n").append(i).append("\"}");
        }
        json.append("]}}");

        assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairEntries", "r-4", json.toString())))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("more than " + RepairMessage.MAX_ENTRIES);
    }

    @Test
    void hostileOrMalformedMessagesAreRefusedWithTheirReason() throws Exception {
        String file = "{\"type\":\"file\",\"name\":\"%s\",\"size\":%s,\"mode\":420,\"mtimeMillis\":0,"
                + "\"sha256\":\"" + SHA + "\"}";
        String root = "{\"id\":\"r\",\"listings\":{\"\":[";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"id\":\"r\",\"listings\":{\"../up\":[]}}", "path has an empty, '.' or '..' segment");
        refused.put(root + file.formatted("a/b", 1) + "]}}", "not a name Ferry carries");
        refused.put(root + file.formatted(".ferry", 1) + "]}}", "reserved .ferry");
        refused.put(root + file.formatted("a", -1) + "]}}", "negative size");
        refused.put(root + file.formatted("a", 1) + "," + file.formatted("a", 2) + "]}}",
                "names \"a\" twice");
        refused.put(root + "{\"type\":\"pipe\",\"name\":\"p\"}]}}", "unknown entry type: pipe");
        refused.put(root + "{\"type\":\"special\",\"name\":\"p\",\"x\":1}]}}", "unknown field 'x'");
        refused.put("{\"id\":\"r\",\"listings\":{},\"extra\":1}", "unknown field 'extra' in a RepairEntries");
        refused.put("{\"id\":\"r\"}", "without its field 'listings'");
        refused.put("{\"id\":\"r\",\"id\":\"s\",\"listings\":{}}", "Duplicate field 'id'");
        refused.put("{\"id\":\"r\",\"listings\":{}} {}", "text after its end");
        refused.put("{\"id\":\"r\",\"listings\":[]}", "expected listings as an object");
        refused.put("{\"id\":\"r/../x\",\"listings\":{}}", "not a repair id");
        for (Map.Entry<String, String> json : refused.entrySet()) {
            assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairEntries", "r", json.getKey())))
                    .as(json.getKey()).isInstanceOf(WireFormatException.class).hasMessageContaining(json.getValue());
        }
    }

    @Test
    void whatTheEnvelopeSaysMustAgreeWithTheMessage() throws Exception {
        String done = "{\"id\":\"r-5\",\"sent\":1}";
        assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairDone", "r-6", done)))
                .hasMessage("a RepairDone of repair r-5 whose JMSCorrelationID is \"r-6\"");
        assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairRetry", "r-5", done)))
                .hasMessage("unknown repair message kind: RepairRetry");
        assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairDone", "r-5", "{\"id\":\"r-5\",\"sent\":-1}")))
                .hasMessageContaining("sent -1 events");
        String notAscii = "{\"id\":\"caf\u00e9\",\"sent\":1}";
        assertThatThrownBy(() -> RepairMessages.decode(hostile("RepairDone", "r-5", notAscii)))
                .hasMessageContaining("not ASCII");
        BytesMessage unknownEncoding = hostile("RepairDone", "r-5", done);
        unknownEncoding.clearProperties();
        unknownEncoding.setIntProperty(WireFormat.VERSION_PROPERTY, 3);
        unknownEncoding.setStringProperty(WireFormat.CONTROL_PROPERTY, "RepairDone");
        unknownEncoding.setStringProperty(WireFormat.ENCODING_PROPERTY, "zstd");
        assertThatThrownBy(() -> RepairMessages.decode(unknownEncoding)).hasMessageContaining("unknown encoding: zstd");
        BytesMessage versionTwo = hostile("RepairDone", "r-5", done);
        versionTwo.clearProperties();
        versionTwo.setIntProperty(WireFormat.VERSION_PROPERTY, 2);
        versionTwo.setStringProperty(WireFormat.CONTROL_PROPERTY, "RepairDone");
        assertThatThrownBy(() -> RepairMessages.decode(versionTwo))
                .hasMessage("a repair message of unsupported wire version 2 (this side reads 3 to 4)");
    }

    @Test
    void theBoundsAreKeptWhenAMessageIsMadeToo() {
        Map<String, List<ListedEntry>> tooMany = new LinkedHashMap<>();
        List<ListedEntry> entries = new ArrayList<>();
        for (int i = 0; i <= RepairMessage.MAX_ENTRIES; i++) {
            entries.add(new ListedEntry.Special("n" + i));
        }
        tooMany.put("", entries);
        assertThatThrownBy(() -> new RepairEntries("r-7", tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a repair listing of more than " + RepairMessage.MAX_ENTRIES + " entries");
        assertThatThrownBy(() -> new RepairRequest("r-7", "default", Map.of("a", DIGEST)))
                .hasMessage("a repair request holds no digest of the root");
        assertThatThrownBy(() -> new RepairRequest("r-7", "no.dots", Map.of("", DIGEST)))
                .hasMessageContaining("is not a mirror name");
    }

    /** A repair message of {@code kind} whose body is {@code json}, as anyone who may write the queue could send it. */
    private static BytesMessage hostile(String kind, String correlation, String json) throws Exception {
        return hostile(kind, correlation, json.getBytes(StandardCharsets.UTF_8), false);
    }

    private static BytesMessage hostile(String kind, String correlation, byte[] body, boolean gzip) throws Exception {
        BytesMessage message = (BytesMessage) SESSION.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 3);
        message.setStringProperty(WireFormat.CONTROL_PROPERTY, kind);
        if (gzip) {
            message.setStringProperty(WireFormat.ENCODING_PROPERTY, "gzip");
        }
        message.setJMSCorrelationID(correlation);
        message.writeBytes(body);
        return received(message);
    }

    private static byte[] body(BytesMessage message) throws Exception {
        byte[] bytes = new byte[(int) message.getBodyLength()];
        message.readBytes(bytes);
        return bytes;
    }
}
