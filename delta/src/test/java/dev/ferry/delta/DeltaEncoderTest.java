package dev.ferry.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.delta.Chunks.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaEncoderTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final ChunkParameters DEFAULT = ChunkParameters.of(ChunkParameters.DEFAULT_AVERAGE);
    private static final int MAX = DEFAULT.maxSize();
    private static final byte[] BASE = Chunks.random(1, 16 * MIB);

    @TempDir
    Path directory;

    @Test
    void givenFourKibibytesChangedInTheMiddleOnlyTheirChunksAreSentLiterally() throws IOException {
        byte[] changed = overwrite(BASE, 8 * MIB + 333, Chunks.random(2, 4 * KIB));

        Recipe recipe = encode(BASE, changed, 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(4 * KIB + 2 * MAX);
    }

    @Test
    void givenTheStartChangedTheRestIsCopied() throws IOException {
        Recipe recipe = encode(BASE, overwrite(BASE, 0, Chunks.random(3, 1000)), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(1000 + 2 * MAX);
    }

    @Test
    void givenTheEndChangedTheRestIsCopied() throws IOException {
        Recipe recipe = encode(BASE, overwrite(BASE, BASE.length - 1000, Chunks.random(4, 1000)), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(1000 + 2 * MAX);
    }

    @Test
    void givenAnInsertionOnlyItsChunksAreSentLiterally() throws IOException {
        Recipe recipe = encode(BASE, Chunks.splice(BASE, 5 * MIB + 17, 0, Chunks.random(5, 100)), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(100 + 2 * MAX);
    }

    @Test
    void givenADeletionOnlyTheChunksAroundItAreSentLiterally() throws IOException {
        Recipe recipe = encode(BASE, Chunks.splice(BASE, 5 * MIB + 17, 20 * KIB, new byte[0]), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(2 * MAX);
    }

    @Test
    void givenAnAppendOnlyTheNewBytesAndTheOldLastChunkAreSent() throws IOException {
        Recipe recipe = encode(BASE, Chunks.splice(BASE, BASE.length, 0, Chunks.random(6, MIB)), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(MIB + MAX);
    }

    @Test
    void givenATruncationAtMostTheNewLastChunkIsSent() throws IOException {
        Recipe recipe = encode(BASE, Arrays.copyOf(BASE, BASE.length - MIB - 99), 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(MAX);
    }

    @Test
    void givenUnrelatedContentOfTheSameSizeEverythingIsLiteral() throws IOException {
        Recipe recipe = encode(BASE, Chunks.random(7, BASE.length), 65536);

        assertThat(recipe.literalBytes).isEqualTo(BASE.length);
        assertThat(recipe.copiedBytes).isZero();
    }

    @Test
    void givenIdenticalContentTheRecipeIsOneCopy() throws IOException {
        Recipe recipe = encode(BASE, BASE, 65536);

        assertThat(recipe.literalBytes).isZero();
        assertThat(recipe.copiedBytes).isEqualTo(BASE.length);
        assertThat(recipe.ops).containsExactly("copy 0+" + BASE.length);
    }

    @Test
    void givenAMovedBlockItIsCopiedFromWhereItWas() throws IOException {
        byte[] moved = Chunks.splice(Chunks.splice(BASE, 2 * MIB, MIB, new byte[0]), 10 * MIB, 0,
                Arrays.copyOfRange(BASE, 2 * MIB, 3 * MIB));

        Recipe recipe = encode(BASE, moved, 65536);

        assertThat(recipe.literalBytes).isLessThanOrEqualTo(4 * MAX);
        assertThat(recipe.ops.stream().filter(op -> op.startsWith("copy"))).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void givenAnyFeedSizesTheRecipeIsTheSame() throws IOException {
        byte[] base = Arrays.copyOf(BASE, 2 * MIB);
        byte[] changed = overwrite(Chunks.splice(base, MIB, 0, Chunks.random(8, 3000)), 100, Chunks.random(9, 50));
        Recipe whole = encode(base, changed, changed.length);

        for (int feed : new int[] {1, 7, 4096, 65536}) {
            assertThat(encode(base, changed, feed).ops).as("fed %d bytes at a time", feed).isEqualTo(whole.ops);
        }
        assertThat(encodeInRandomFeeds(base, changed, 10).ops).isEqualTo(whole.ops);
    }

    @Test
    void emptyContentOnEitherSideIsHandled() throws IOException {
        assertThat(encode(new byte[0], new byte[0], 1).ops).isEmpty();
        assertThat(encode(BASE, new byte[0], 1).ops).isEmpty();
        Recipe fromNothing = encode(new byte[0], Arrays.copyOf(BASE, 100_000), 4096);
        assertThat(fromNothing.literalBytes).isEqualTo(100_000);
    }

    @Test
    void theNewSignatureIsWrittenFromTheSameChunks() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        byte[] changed = Chunks.splice(BASE, 3 * MIB, 0, Chunks.random(10, 1000));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(changed));
        Recipe recipe = new Recipe(BASE);

        try (SignatureWriter writer = store.begin(DEFAULT)) {
            DeltaEncoder encoder = new DeltaEncoder(signatureOf(BASE), recipe, writer);
            encoder.update(changed, 0, changed.length);
            encoder.finish();
            writer.commit(sha, changed.length);
        }

        Signature written = store.find(sha);
        List<Chunk> expected = Chunks.of(DEFAULT, changed);
        assertThat(written.chunkCount()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(written.hashOf(i)).isEqualTo(expected.get(i).hash());
            assertThat(written.offsetOf(i)).isEqualTo(expected.get(i).offset());
        }
    }

    @Test
    void aNewSignatureWithOtherParametersIsRefused() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        try (SignatureWriter writer = store.begin(ChunkParameters.of(4096))) {
            assertThatThrownBy(() -> new DeltaEncoder(signatureOf(new byte[0]), new Recipe(new byte[0]), writer))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the new signature is cut with");
        }
    }

    private static byte[] overwrite(byte[] content, int at, byte[] with) {
        byte[] result = content.clone();
        System.arraycopy(with, 0, result, at, with.length);
        return result;
    }

    /** Encodes {@code changed} against {@code base} and checks that the recipe rebuilds it exactly. */
    private static Recipe encode(byte[] base, byte[] changed, int feed) throws IOException {
        Recipe recipe = new Recipe(base);
        DeltaEncoder encoder = new DeltaEncoder(signatureOf(base), recipe, null);
        for (int at = 0; at < changed.length; at += feed) {
            encoder.update(changed, at, Math.min(feed, changed.length - at));
        }
        encoder.finish();
        return recipe.checkedAgainst(changed, encoder);
    }

    private static Recipe encodeInRandomFeeds(byte[] base, byte[] changed, long seed) throws IOException {
        Recipe recipe = new Recipe(base);
        DeltaEncoder encoder = new DeltaEncoder(signatureOf(base), recipe, null);
        Random random = new Random(seed);
        for (int at = 0; at < changed.length; ) {
            int length = Math.min(changed.length - at, random.nextInt(3 * MAX));
            encoder.update(changed, at, length);
            at += length;
        }
        encoder.finish();
        return recipe.checkedAgainst(changed, encoder);
    }

    private static Signature signatureOf(byte[] content) {
        List<Chunk> chunks = Chunks.of(DEFAULT, content);
        long[] hashes = chunks.stream().mapToLong(Chunk::hash).toArray();
        int[] lengths = chunks.stream().mapToInt(Chunk::length).toArray();
        return new Signature(DEFAULT, content.length, "0".repeat(64), hashes, lengths);
    }

    /** The receiving side in miniature: rebuilds the new content from base ranges and literals. */
    private static final class Recipe implements RecipeSink {
        private final byte[] base;
        private final ByteArrayOutputStream assembled = new ByteArrayOutputStream();
        private final List<String> ops = new ArrayList<>();
        private long literalBytes;
        private long copiedBytes;
        private long lastCopyEnd = -1;

        Recipe(byte[] base) {
            this.base = base;
        }

        @Override
        public void copy(long baseOffset, long length) {
            assertThat(length).isPositive();
            assertThat(baseOffset).as("a copy contiguous with the one before is merged into it").isNotEqualTo(
                    lastCopyEnd);
            assembled.write(base, Math.toIntExact(baseOffset), Math.toIntExact(length));
            ops.add("copy " + baseOffset + "+" + length);
            copiedBytes += length;
            lastCopyEnd = baseOffset + length;
        }

        @Override
        public void literal(byte[] data, int offset, int length) {
            assertThat(length).isPositive();
            assembled.write(data, offset, length);
            // Literal calls may split differently with the feed sizes; the bytes are what counts.
            if (!ops.isEmpty() && ops.get(ops.size() - 1).startsWith("literal ")) {
                long before = Long.parseLong(ops.remove(ops.size() - 1).substring(8));
                ops.add("literal " + (before + length));
            } else {
                ops.add("literal " + length);
            }
            literalBytes += length;
            lastCopyEnd = -1;
        }

        Recipe checkedAgainst(byte[] changed, DeltaEncoder encoder) {
            assertThat(assembled.toByteArray()).as("the content rebuilt from the recipe").isEqualTo(changed);
            assertThat(encoder.literalBytes()).isEqualTo(literalBytes);
            assertThat(encoder.copiedBytes()).isEqualTo(copiedBytes);
            return this;
        }
    }
}
