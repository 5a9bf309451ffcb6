package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeltaEventsTest {

    private static final String BASE = "a".repeat(64);
    private static final String SHA = "b".repeat(64);

    @Test
    void aDeltaSurvivesTheRoundTripAndItsPiecesAreAFlatArray() throws Exception {
        DeltaPieces pieces = DeltaPieces.of(0, 1 << 20, DeltaPieces.LITERAL, 4096, (1 << 20) + 4096, 100);
        ChangeEvent.DeltaChunk chunk = new ChangeEvent.DeltaChunk(RelPath.of("disk.img"), 7, 0, (1 << 20) + 4196,
                BASE, 1 << 21, pieces);
        ChangeEvent.PutDelta last = new ChangeEvent.PutDelta(RelPath.of("disk.img"), 8, (1 << 20) + 4196, 4096, BASE,
                1 << 21, DeltaPieces.of(DeltaPieces.LITERAL, 4096), (1 << 20) + 8292, SHA, 0644, 5L);

        assertThat(EventCodec.toJson(chunk)).contains("\"pieces\":[0,1048576,-1,4096,1052672,100]");
        assertThat(EventCodec.fromJson(EventCodec.toJson(chunk))).isEqualTo(chunk);
        assertThat(EventCodec.fromJson(EventCodec.toJson(last))).isEqualTo(last);
        assertThat(chunk.bodyLength()).isEqualTo(4096);
        assertThat(EventMessages.versionOf(chunk)).isEqualTo(4);
        assertThat(EventMessages.versionOf(last)).isEqualTo(4);
    }

    @Test
    void aHostileRecipeIsRejectedWithTheReason() {
        String head = "{\"kind\":\"delta-chunk\",\"path\":\"x\",\"seq\":1,\"offset\":0,\"base\":\"" + BASE + "\",";
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":200,\"pieces\":[0,200]}"))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("copies bytes up to 200, past the end of the base of 100 bytes");
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":10,\"pieces\":[0,20]}"))
                .hasMessageContaining("the pieces write 20 bytes, not the length 10");
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":10,\"pieces\":[0,10,5]}"))
                .hasMessageContaining("pieces are pairs of numbers");
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":0,\"pieces\":[0,0]}"))
                .hasMessageContaining("has length 0");
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":10,\"pieces\":[-2,10]}"))
                .hasMessageContaining("starts at -2");
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":9223372036854775807,"
                + "\"pieces\":[90,9223372036854775807]}"))
                .hasMessageContaining("ends past 2^63");
        long tooMuch = WireFormat.MAX_CHUNK_BYTES + 1L;
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":" + tooMuch
                + ",\"pieces\":[-1," + tooMuch + "]}"))
                .hasMessageContaining("literal pieces of more than");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= DeltaPieces.MAX_PIECES; i++) {
            many.append(i == 0 ? "" : ",").append("-1,1");
        }
        assertThatThrownBy(() -> EventCodec.fromJson(head + "\"baseSize\":100,\"length\":" + (DeltaPieces.MAX_PIECES + 1)
                + ",\"pieces\":[" + many + "]}"))
                .hasMessageContaining("pieces (at most " + DeltaPieces.MAX_PIECES + ")");
    }
}
