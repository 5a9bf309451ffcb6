package dev.ferry.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.delta.Chunks.Chunk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentChunkerTest {

    private static final int MIB = 1024 * 1024;
    private static final ChunkParameters SMALL = ChunkParameters.of(4096);
    private static final ChunkParameters DEFAULT = ChunkParameters.of(ChunkParameters.DEFAULT_AVERAGE);

    @Test
    void givenAnyFeedSizesTheBoundariesAreTheSame() {
        byte[] content = Chunks.random(1, 2 * MIB);
        List<Chunk> whole = Chunks.of(SMALL, content);

        assertThat(whole).hasSizeGreaterThan(100);
        for (int feed : new int[] {1, 7, 64 * 1024}) {
            assertThat(Chunks.of(SMALL, content, feed)).as("fed %d bytes at a time", feed).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, ChunkParameters.DEFAULT_AVERAGE})
    void chunksStayWithinTheirBoundsAndAverageCloseToTheTarget(int average) {
        ChunkParameters parameters = ChunkParameters.of(average);
        byte[] content = Chunks.random(average, 16 * MIB);
        List<Chunk> chunks = Chunks.of(parameters, content, 100_000);

        assertContiguous(chunks, content.length);
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.length()).isBetween(parameters.minSize(), parameters.maxSize());
        }
        double mean = (double) content.length / chunks.size();
        assertThat(mean).as("mean chunk size for average %d", average).isBetween(0.7 * average, 1.3 * average);
    }

    @Test
    void givenContentWithoutCutPointsChunksEndAtTheMaximum() {
        byte[] zeros = new byte[MIB + 5];
        List<Chunk> chunks = Chunks.of(SMALL, zeros, 1000);

        assertContiguous(chunks, zeros.length);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(
                chunk -> assertThat(chunk.length()).isBetween(SMALL.minSize(), SMALL.maxSize()));
        assertThat(chunks.stream().mapToInt(Chunk::length).max().orElseThrow()).isLessThanOrEqualTo(SMALL.maxSize());
    }

    @Test
    void eachChunksHashIsItsCrc32cBesideItsCrc32() throws Exception {
        byte[] content = Chunks.random(2, 256 * 1024);
        for (Chunk chunk : Chunks.of(SMALL, content, 999)) {
            CRC32C castagnoli = new CRC32C();
            castagnoli.update(content, (int) chunk.offset(), chunk.length());
            CRC32 ieee = new CRC32();
            ieee.update(content, (int) chunk.offset(), chunk.length());
            assertThat(chunk.hash()).isEqualTo(castagnoli.getValue() << 32 | ieee.getValue());
        }
    }

    @Test
    void twoChunkersCutTheSameContentAlike() {
        byte[] content = Chunks.random(3, 4 * MIB);
        assertThat(Chunks.of(DEFAULT, content, 4096)).isEqualTo(Chunks.of(DEFAULT, content, 5000));
    }

    /**
     * A signature kept from an earlier run is only useful if this build cuts where that one did:
     * this pins the gear table and the boundaries of a known input. If it fails, every stored
     * signature becomes useless (never wrong); change it only on purpose.
     */
    @Test
    void boundariesAreTheSameInEveryBuild() {
        assertThat(GearTable.values()[0]).isEqualTo(pinnedGear0());
        List<Chunk> chunks = Chunks.of(SMALL, Chunks.random(42, MIB));
        CRC32 crc = new CRC32();
        ByteBuffer record = ByteBuffer.allocate(12);
        for (Chunk chunk : chunks) {
            crc.update(record.clear().putInt(chunk.length()).putLong(chunk.hash()).flip());
        }
        assertThat(chunks.size() + ":" + Long.toHexString(crc.getValue())).isEqualTo(PINNED_BOUNDARIES);
    }

    private static final String PINNED_BOUNDARIES = "230:90852e68";

    private static long pinnedGear0() {
        return 7619760225762731118L;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void insertingHundredBytesInTheMiddleChangesAtMostThreeChunks(long seed) {
        byte[] content = Chunks.random(seed, 8 * MIB);
        byte[] edited = Chunks.splice(content, 4 * MIB + 12345, 0, Chunks.random(seed + 100, 100));

        assertThat(changedChunks(content, edited)).isLessThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void deletingBytesInTheMiddleChangesAtMostThreeChunks(long seed) {
        byte[] content = Chunks.random(seed, 8 * MIB);
        byte[] edited = Chunks.splice(content, 4 * MIB + 777, 100, new byte[0]);

        assertThat(changedChunks(content, edited)).isLessThanOrEqualTo(3);
    }

    @Test
    void emptyInputHasNoChunk() throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        ContentChunker chunker = new ContentChunker(SMALL, (offset, length, hash) -> chunks.add(new Chunk(offset,
                length, hash)));
        chunker.update(new byte[10], 3, 0);
        chunker.finish();
        chunker.finish();

        assertThat(chunks).isEmpty();
        assertThat(chunker.position()).isZero();
    }

    @Test
    void aShortInputIsOneChunk() {
        byte[] content = {1, 2, 3};
        assertThat(Chunks.of(SMALL, content)).singleElement().satisfies(chunk -> {
            assertThat(chunk.offset()).isZero();
            assertThat(chunk.length()).isEqualTo(3);
        });
    }

    /** Chunks of the edited content whose hash the original does not have. */
    private static long changedChunks(byte[] original, byte[] edited) {
        Set<Long> before = new HashSet<>();
        Chunks.of(DEFAULT, original, 65536).forEach(chunk -> before.add(chunk.hash()));
        List<Chunk> after = Chunks.of(DEFAULT, edited, 65536);
        assertThat(after).hasSizeGreaterThan(100);
        return after.stream().filter(chunk -> !before.contains(chunk.hash())).count();
    }

    private static void assertContiguous(List<Chunk> chunks, long size) {
        long offset = 0;
        for (Chunk chunk : chunks) {
            assertThat(chunk.offset()).isEqualTo(offset);
            offset += chunk.length();
        }
        assertThat(offset).isEqualTo(size);
    }
}
