package dev.ferry.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.delta.Chunks.Chunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SignatureStoreTest {

    private static final ChunkParameters SMALL = ChunkParameters.of(4096);

    @TempDir
    Path directory;

    @Test
    void givenACommittedSignatureFindReadsBackEveryChunk() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        byte[] content = Chunks.random(1, 1024 * 1024);
        String sha = publish(store, content);

        Signature signature = store.find(sha);

        List<Chunk> chunks = Chunks.of(SMALL, content);
        assertThat(chunks).as("enough chunks to pass several offset checkpoints").hasSizeGreaterThan(200);
        assertThat(signature.parameters()).isEqualTo(SMALL);
        assertThat(signature.fileSize()).isEqualTo(content.length);
        assertThat(signature.contentSha256()).isEqualTo(sha);
        assertThat(signature.chunkCount()).isEqualTo(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(signature.offsetOf(i)).isEqualTo(chunk.offset());
            assertThat(signature.lengthOf(i)).isEqualTo(chunk.length());
            assertThat(signature.hashOf(i)).isEqualTo(chunk.hash());
            assertThat(signature.indexOf(chunk.hash(), chunk.length())).isEqualTo(i);
        }
        assertThat(signature.indexOf(chunks.get(0).hash(), chunks.get(0).length() + 1)).isEqualTo(-1);
        assertThat(signature.indexOf(12345L, 4096)).isEqualTo(-1);
        assertThat(store.contains(sha)).isTrue();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void givenRepeatedChunksIndexOfFindsTheFirst() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        byte[] block = Chunks.random(2, 20_000);
        byte[] content = new byte[block.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block, 0, content, i * block.length, block.length);
        }
        Signature signature = store.find(publish(store, content));

        for (int i = 0; i < signature.chunkCount(); i++) {
            int first = signature.indexOf(signature.hashOf(i), signature.lengthOf(i));
            assertThat(first).isLessThanOrEqualTo(i);
            assertThat(signature.hashOf(first)).isEqualTo(signature.hashOf(i));
        }
    }

    @Test
    void anEmptyContentHasASignatureWithoutChunks() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        Signature signature = store.find(publish(store, new byte[0]));

        assertThat(signature.chunkCount()).isZero();
        assertThat(signature.fileSize()).isZero();
        assertThat(signature.indexOf(0, 1)).isEqualTo(-1);
    }

    @Test
    void givenATruncatedFileFindReturnsNull() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String sha = publish(store, Chunks.random(3, 100_000));
        byte[] file = Files.readAllBytes(fileOf(sha));

        for (int length : new int[] {0, 1, 8, SignatureFormat.HEADER_SIZE, file.length - 13, file.length - 4,
                file.length - 1}) {
            Files.write(fileOf(sha), Arrays.copyOf(file, length));
            assertThat(store.find(sha)).as("cut to %d of %d bytes", length, file.length).isNull();
        }
    }

    @Test
    void givenAnyFlippedByteFindReturnsNull() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String sha = publish(store, Chunks.random(4, 40_000));
        byte[] file = Files.readAllBytes(fileOf(sha));
        assertThat(store.find(sha)).isNotNull();

        for (int i = 0; i < file.length; i++) {
            byte[] flipped = file.clone();
            flipped[i] ^= 0x10;
            Files.write(fileOf(sha), flipped);
            assertThat(store.find(sha)).as("byte %d of %d flipped", i, file.length).isNull();
        }
    }

    @Test
    void givenAForeignFileFindReturnsNull() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String sha = publish(store, Chunks.random(5, 40_000));
        String other = publish(store, Chunks.random(6, 40_000));
        byte[] file = Files.readAllBytes(fileOf(sha));

        file[0] = 'X';
        Files.write(fileOf(sha), file);
        assertThat(store.find(sha)).as("wrong magic").isNull();

        Files.write(fileOf(sha), new byte[0]);
        assertThat(store.find(sha)).as("empty file").isNull();

        Files.write(fileOf(sha), "not a signature at all, but long enough to have a header and a trailer"
                .repeat(3).getBytes(StandardCharsets.US_ASCII));
        assertThat(store.find(sha)).as("text").isNull();

        Files.copy(fileOf(other), fileOf(sha), StandardCopyOption.REPLACE_EXISTING);
        assertThat(store.find(sha)).as("another content's signature under this name").isNull();
        assertThat(store.find(other)).isNotNull();
    }

    @Test
    void anUnreadableSignatureIsWarnedAboutOnceWithTheReason() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String sha = publish(store, Chunks.random(10, 1000));
        Files.write(fileOf(sha), new byte[10]);
        Logger logger = (Logger) LoggerFactory.getLogger(SignatureStore.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            store.find(sha);
            store.find(sha);
        } finally {
            logger.detachAppender(events);
        }

        assertThat(events.list).filteredOn(event -> event.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains(fileOf(sha).toString(), "10 bytes, shorter than any signature");
    }

    @Test
    void anAbsentSignatureIsNull() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String sha = "0".repeat(64);

        assertThat(store.find(sha)).isNull();
        assertThat(store.contains(sha)).isFalse();
        assertThatThrownBy(() -> store.find("../x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x' is not a SHA-256");
    }

    @Test
    void retainOnlyDeletesTheSignaturesNotKept() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        String a = publish(store, Chunks.random(7, 1000));
        String b = publish(store, Chunks.random(8, 1000));
        String c = publish(store, Chunks.random(9, 1000));
        Files.writeString(directory.resolve("notes.txt"), "not ours");

        assertThat(store.retainOnly(Set.of(b, "f".repeat(64)))).isEqualTo(2);

        assertThat(store.contains(a)).isFalse();
        assertThat(store.contains(b)).isTrue();
        assertThat(store.contains(c)).isFalse();
        assertThat(directory.resolve("notes.txt")).exists();
        assertThat(store.retainOnly(Set.of(b))).isZero();
    }

    @Test
    void givenLeftoverTemporaryFilesOpeningTheStoreDeletesThem() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        SignatureWriter crashed = store.begin(SMALL);
        crashed.chunk(0, 100, 1);
        assertThat(tempFiles()).hasSize(1);

        new SignatureStore(directory);

        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void givenChunksThatDoNotAddUpCommitKeepsNothing() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        SignatureWriter writer = store.begin(SMALL);
        writer.chunk(0, 100, 1);
        String sha = "a".repeat(64);

        assertThatThrownBy(() -> writer.commit(sha, 101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunks of 100 bytes for content " + sha + " of 101 bytes");
        assertThat(store.contains(sha)).isFalse();
        assertThat(tempFiles()).isEmpty();
        writer.abandon();
        writer.close();
    }

    @Test
    void chunksMustFollowOnFromZero() throws Exception {
        SignatureStore store = new SignatureStore(directory);
        try (SignatureWriter writer = store.begin(SMALL)) {
            assertThatThrownBy(() -> writer.chunk(5, 100, 1)).hasMessageStartingWith(
                    "chunk at byte 5 where the next one starts at byte 0");
            writer.chunk(0, 100, 1);
            assertThatThrownBy(() -> writer.chunk(100, SMALL.maxSize() + 1, 1)).hasMessageContaining(
                    "not from 1 to " + SMALL.maxSize());
        }
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void forFileSizeBoundsTheChunkCount() {
        long tib = 1L << 40;
        assertThat(ChunkParameters.forFileSize(0)).isEqualTo(ChunkParameters.of(ChunkParameters.DEFAULT_AVERAGE));
        long defaultLimit = (long) ChunkParameters.DEFAULT_AVERAGE * ChunkParameters.MAX_CHUNKS;
        assertThat(ChunkParameters.forFileSize(defaultLimit).averageSize()).isEqualTo(ChunkParameters.DEFAULT_AVERAGE);
        assertThat(ChunkParameters.forFileSize(defaultLimit + 1).averageSize())
                .isEqualTo(2 * ChunkParameters.DEFAULT_AVERAGE);
        for (long size = 1; size <= tib; size *= 3) {
            ChunkParameters parameters = ChunkParameters.forFileSize(size);
            long expectedChunks = size / parameters.averageSize();
            assertThat(expectedChunks).as("expected chunks of %d bytes", size)
                    .isLessThanOrEqualTo(ChunkParameters.MAX_CHUNKS * 8L);
            assertThat(parameters.minSize() * 4).isEqualTo(parameters.averageSize());
            assertThat(parameters.maxSize()).isEqualTo(parameters.averageSize() * 4);
        }
        ChunkParameters terabyte = ChunkParameters.forFileSize(tib);
        assertThat(terabyte.averageSize()).isEqualTo(ChunkParameters.MAX_AVERAGE);
        assertThat(tib / terabyte.averageSize()).isEqualTo(8L * ChunkParameters.MAX_CHUNKS);
        assertThat(tib / terabyte.minSize()).as("worst case: every chunk minimal").isLessThan(Integer.MAX_VALUE);
    }

    @Test
    void badParametersSayWhatIsWrong() {
        assertThatThrownBy(() -> new ChunkParameters(10, 3000, 9000)).hasMessage(
                "chunk average size 3000 is not a power of two from 64 to 1048576");
        assertThatThrownBy(() -> new ChunkParameters(5000, 4096, 9000)).hasMessage(
                "chunk minimum size 5000 is not from 1 to the average size 4096");
        assertThatThrownBy(() -> new ChunkParameters(1024, 4096, 4095)).hasMessage(
                "chunk maximum size 4095 is not from the average size 4096 to 4194304");
        assertThatThrownBy(() -> ChunkParameters.forFileSize(-1)).hasMessage("file size -1 is negative");
    }

    private String publish(SignatureStore store, byte[] content) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        try (SignatureWriter writer = store.begin(SMALL)) {
            ContentChunker chunker = new ContentChunker(SMALL, writer);
            chunker.update(content, 0, content.length);
            chunker.finish();
            writer.commit(sha, content.length);
        }
        return sha;
    }

    private Path fileOf(String sha) {
        return directory.resolve(sha + ".sig");
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
