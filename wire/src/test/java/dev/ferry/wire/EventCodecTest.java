package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final String SHA = "a".repeat(64);

    @Test
    void everyKindOfEventSurvivesTheRoundTrip() throws Exception {
        List<ChangeEvent> events = List.of(
                new ChangeEvent.FileChunk(RelPath.of("big.bin"), 7, 0, 1024),
                new ChangeEvent.PutFile(RelPath.of("dir/ünï code.txt"), 8, 1024, 10, 1034, SHA, 0644, 123_456_789L),
                new ChangeEvent.PutDirectory(RelPath.of("dir"), 9, 0755, 1L),
                new ChangeEvent.PutSymlink(RelPath.of("dir/link"), 10, "../big.bin"),
                new ChangeEvent.Delete(RelPath.of("-rf"), 11),
                new ChangeEvent.Rename(RelPath.of("a"), RelPath.of("b/c"), 12),
                new ChangeEvent.Abort(RelPath.of("big.bin"), 13));

        for (ChangeEvent event : events) {
            assertThat(EventCodec.fromJson(EventCodec.toJson(event))).isEqualTo(event);
        }
    }

    @Test
    void theJsonNamesTheKind() {
        assertThat(EventCodec.toJson(new ChangeEvent.Delete(RelPath.of("x"), 1)))
                .isEqualTo("{\"kind\":\"delete\",\"path\":\"x\",\"seq\":1}");
    }

    @Test
    void rejectsWhatItDoesNotUnderstandWithTheReason() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"chmod\",\"path\":\"x\",\"seq\":1}"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("unknown event kind: chmod");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"delete\",\"path\":\"x\",\"seq\":1,\"extra\":1}"))
                .hasMessageContaining("unknown field 'extra'");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"delete\",\"path\":\"../x\",\"seq\":1}"))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"delete\",\"path\":\"/etc\",\"seq\":1}"))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"delete\",\"path\":\"x\",\"seq\":0}"))
                .hasMessageContaining("seq must be positive");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"delete\",\"path\":\"x\"}"))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> EventCodec.fromJson("not json")).hasMessageContaining("malformed event JSON");
        assertThatThrownBy(() -> EventCodec.fromJson(null)).hasMessageContaining("no event");
        // Found by HostileDecodingTest (consumer): the JSON literal null decoded to no event at all;
        // the consumer then dropped the message unseen, or, when it had a body, died of a NullPointerException.
        assertThatThrownBy(() -> EventCodec.fromJson("null")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("no event");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"file\",\"path\":\"x\",\"seq\":1,\"offset\":0,"
                + "\"length\":5,\"size\":99,\"sha256\":\"" + SHA + "\",\"mode\":420,\"mtimeNanos\":0}"))
                .hasMessageContaining("size 99 is not offset + length");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"symlink\",\"path\":\"a/l\",\"seq\":1,"
                + "\"target\":\"../../etc/passwd\"}")).hasMessageContaining("symlink target leaves the tree");
        assertThatThrownBy(() -> EventCodec.fromJson("{\"kind\":\"symlink\",\"path\":\"l\",\"seq\":1,"
                + "\"target\":\"\\ud800\"}")).hasMessageContaining("symlink target is not valid Unicode");
    }

    @Test
    void symlinkTargetsMustStayInsideTheTree() {
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/b/link"), "../c")).isTrue();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/b/link"), "../../c")).isTrue();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/b/link"), "../../../c")).isFalse();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("link"), "/etc/passwd")).isFalse();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("link"), ".ferry/ledger.journal")).isFalse();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/link"), "x/../y"))
                .as("'..' after a name that may be a link").isFalse();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/link"), "./../y/./z")).isTrue();
        assertThat(WireFormat.symlinkStaysInside(RelPath.of("a/link"), "x/../../../y")).isFalse();
    }

    @Test
    void allEventsOfATopLevelEntryShareAGroup() {
        String group = WireFormat.groupOf(new ChangeEvent.Delete(RelPath.of("top/a/b"), 1));

        assertThat(WireFormat.groupOf(new ChangeEvent.Delete(RelPath.of("top"), 2))).isEqualTo(group);
        assertThat(WireFormat.groupOf(new ChangeEvent.Rename(RelPath.of("top/x"), RelPath.of("other/y"), 3)))
                .isEqualTo(group);
    }
}
