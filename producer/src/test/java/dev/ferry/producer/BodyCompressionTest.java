package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BodyEncoding;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Given bodies of text and of random bytes, when they are sent, then only what shrinks travels compressed. */
class BodyCompressionTest {

    private static final int CHUNK = WireFormat.MAX_CHUNK_BYTES;
    private final BodyCompression compression = new BodyCompression();

    private static byte[] text(int length) {
        byte[] line = "    private static final String NAME = \"ferry\"; // a line of source code\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = line[i % line.length];
        }
        return text;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static PutFile whole(String path, long seq, int length) {
        return new PutFile(RelPath.of(path), seq, 0, length, length, "0".repeat(64), 0644, 1_000);
    }

    @Test
    void textTravelsCompressedAndDecodesToWhatWasSent() throws Exception {
        byte[] body = text(200_000);

        EncodedBody encoded = compression.forEvent(whole("src/A.java", 1, body.length), body, body.length);

        assertThat(encoded.encoding()).isEqualTo(BodyEncoding.ZSTD);
        assertThat(encoded.length()).isLessThan(body.length / 4);
        assertThat(BodyEncoding.decode(encoded.encoding(), encoded.bytes(), encoded.length(), body.length, "it"))
                .isEqualTo(body);
    }

    @Test
    void randomBytesTravelAsTheyAreAndTheRestOfTheirFileIsNotTriedAgain() {
        RelPath path = RelPath.of("photos/big.jpg");
        long size = 3L * CHUNK + 100;
        byte[] chunk = random(CHUNK, 1);

        for (int i = 0; i < 3; i++) {
            EncodedBody encoded = compression.forEvent(new FileChunk(path, 7, (long) i * CHUNK, CHUNK), chunk, CHUNK);
            assertThat(encoded.isEncoded()).as("chunk " + i).isFalse();
            assertThat(encoded.bytes()).isSameAs(chunk);
        }
        EncodedBody last = compression.forEvent(new PutFile(path, 7, 3L * CHUNK, 100, size, "0".repeat(64), 0644, 1),
                chunk, 100);

        assertThat(last.isEncoded()).isFalse();
        assertThat(compression.tries()).as("one try for the whole file").isEqualTo(1);
    }

    @Test
    void aTextFileAfterARandomOneGetsItsOwnTryAndSoDoesTheNextVersionOfTheRandomOne() {
        RelPath path = RelPath.of("data.bin");
        byte[] noise = random(CHUNK, 2);
        compression.forEvent(new FileChunk(path, 1, 0, CHUNK), noise, CHUNK);
        byte[] text = text(CHUNK);

        assertThat(compression.forEvent(new FileChunk(RelPath.of("log.txt"), 2, 0, CHUNK), text, CHUNK).isEncoded())
                .isTrue();
        compression.forEvent(new FileChunk(path, 3, 0, CHUNK), noise, CHUNK); // another version: tried
        assertThat(compression.tries()).isEqualTo(3);
    }

    @Test
    void aTextFileIsTriedChunkByChunk() {
        RelPath path = RelPath.of("big.log");
        byte[] text = text(CHUNK);

        for (int i = 0; i < 3; i++) {
            assertThat(compression.forEvent(new FileChunk(path, 1, (long) i * CHUNK, CHUNK), text, CHUNK).isEncoded())
                    .isTrue();
        }
        assertThat(compression.tries()).isEqualTo(3);
    }

    @Test
    void aBodyThatShrinksByLessThanATenthTravelsAsItIs() {
        // Random bytes drawn from 230 values: entropy coding saves about 2 %, below the threshold.
        byte[] body = random(100_000, 3);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) Math.floorMod(body[i], 230);
        }

        assertThat(compression.forBundle(body, body.length).isEncoded()).isFalse();
    }

    @Test
    void bundlesAreTriedEveryTimeAndTinyOrEmptyBodiesTravelAsTheyAre() {
        byte[] noise = random(SmallFileBundle.MAX_BUNDLE_BYTES, 4);
        byte[] text = text(SmallFileBundle.MAX_BUNDLE_BYTES);

        assertThat(compression.forBundle(noise, noise.length).isEncoded()).isFalse();
        assertThat(compression.forBundle(text, text.length).isEncoded()).isTrue();
        assertThat(compression.forBundle(noise, noise.length).isEncoded()).isFalse();
        assertThat(compression.tries()).isEqualTo(3);
        ChangeEvent empty = whole("empty", 9, 0);
        assertThat(compression.forEvent(empty, null, 0)).isEqualTo(EncodedBody.NONE);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(compression.forEvent(whole("hello", 10, 5), hello, 5).isEncoded()).isFalse();
    }
}
