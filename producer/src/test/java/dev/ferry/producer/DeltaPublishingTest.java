package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.DeltaChunk;
import dev.ferry.wire.ChangeEvent.PutDelta;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.DeltaPieces;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a large file published before, when it changes, then the producer sends the new version as
 * a delta against the published one: only the bytes around the change travel.
 */
class DeltaPublishingTest {

    private static final int SIZE = 4 << 20;

    @TempDir
    Path temp;
    SourceFixture tree;
    byte[] base;

    @BeforeEach
    void aLargeFileWasPublished() throws Exception {
        tree = new SourceFixture(temp);
        base = random(SIZE, 1);
        tree.write("disk.img", base);
        assertThat(publishAgain()).allMatch(m -> !(m.event() instanceof DeltaChunk || m.event() instanceof PutDelta));
    }

    @Test
    void aChangeInTheMiddleSendsTheChangedChunksOnly() throws Exception {
        byte[] next = base.clone();
        System.arraycopy(random(1000, 2), 0, next, SIZE / 2, 1000);
        tree.write("disk.img", next);

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(rebuilt(base, sent)).isEqualTo(next);
        assertThat(literalBytes(sent)).isPositive().isLessThan(200_000);
    }

    @Test
    void anInsertionKeepsTheChunksAfterIt() throws Exception {
        byte[] next = concat(Arrays.copyOf(base, 1_000_000), random(100, 3), Arrays.copyOfRange(base, 1_000_000, SIZE));
        tree.write("disk.img", next);

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(rebuilt(base, sent)).isEqualTo(next);
        assertThat(literalBytes(sent)).isLessThan(200_000);
    }

    @Test
    void anAppendCostsTheAppendedBytesAndTheLastChunk() throws Exception {
        byte[] next = concat(base, random(300_000, 4));
        tree.write("disk.img", next);

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(rebuilt(base, sent)).isEqualTo(next);
        assertThat(literalBytes(sent)).isBetween(300_000L, 300_000L + 200_000);
    }

    @Test
    void aRenamedAndChangedFileIsARenameThenADeltaAgainstWhatMoved() throws Exception {
        byte[] next = base.clone();
        next[123] ^= 1;
        tree.move("disk.img", "moved.img");
        tree.write("moved.img", next);

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(sent.get(0).event()).isInstanceOf(ChangeEvent.Rename.class);
        assertThat(rebuilt(base, sent.subList(1, sent.size()))).isEqualTo(next);
        assertThat(literalBytes(sent)).isLessThan(200_000);
    }

    @Test
    void aFileReplacedByUnrelatedBytesCostsNoMoreThanWholeAndTheNextChangeIsADeltaAgain() throws Exception {
        byte[] other = random(SIZE, 5);
        tree.write("disk.img", other);
        List<RecordingSink.Message> sent = publishAgain();
        assertThat(rebuilt(base, sent)).isEqualTo(other);
        long bodies = sent.stream().mapToLong(m -> m.body().length).sum();
        assertThat(bodies).isEqualTo(SIZE);

        byte[] next = other.clone();
        next[SIZE - 1] ^= 1;
        tree.write("disk.img", next);
        sent = publishAgain();
        assertThat(rebuilt(other, sent)).isEqualTo(next);
        assertThat(literalBytes(sent)).isLessThan(200_000);
    }

    @Test
    void withoutTheSignatureOfThePublishedVersionTheFileIsSentWhole() throws Exception {
        try (Stream<Path> signatures = Files.list(tree.state.resolve("signatures"))) {
            for (Path signature : signatures.toList()) {
                Files.delete(signature);
            }
        }
        byte[] next = base.clone();
        next[0] ^= 1;
        tree.write("disk.img", next);

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(sent).extracting(RecordingSink.Message::event).last().isInstanceOf(PutFile.class);
        assertThat(((PutFile) sent.get(sent.size() - 1).event()).sha256()).isEqualTo(SourceFixture.sha256(next));
    }

    @Test
    void aSmallFileIsAlwaysSentWholeAndKeepsNoSignature() throws Exception {
        tree.write("small.txt", random(100_000, 6));
        publishAgain();
        tree.write("small.txt", random(100_000, 7));

        List<RecordingSink.Message> sent = publishAgain();

        assertThat(sent).extracting(RecordingSink.Message::event)
                .allMatch(e -> e instanceof PutFile || e instanceof ChangeEvent.FileChunk).isNotEmpty();
        try (Stream<Path> signatures = Files.list(tree.state.resolve("signatures"))) {
            assertThat(signatures.count()).as("only disk.img's").isEqualTo(1);
        }
    }

    @Test
    void theSignaturesOfVersionsNoLongerPublishedAreDeletedAtTheNextStart() throws Exception {
        byte[] next = base.clone();
        next[5] ^= 1;
        tree.write("disk.img", next);
        publishAgain();

        publishAgain(); // Starts again: the signature of the first version is no longer needed.

        try (Stream<Path> signatures = Files.list(tree.state.resolve("signatures"))) {
            assertThat(signatures.map(p -> p.getFileName().toString()).toList())
                    .containsExactly(SourceFixture.sha256(next) + ".sig");
        }
    }

    private List<RecordingSink.Message> publishAgain() throws Exception {
        RecordingSink sink = new RecordingSink();
        ProducerSettings settings = new ProducerSettings(tree.source, tree.state, "ferry.changes", Duration.ofMillis(50),
                64 * 1024, 256, 8L << 20);
        try (Producer producer = Producer.open(settings, sink, SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        assertThat(sink.sent()).isEqualTo(sink.committed());
        return sink.sentMessages();
    }

    /** What a consumer holding {@code base} makes of the messages of one file version. */
    private static byte[] rebuilt(byte[] base, List<RecordingSink.Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String sha256 = null;
        for (RecordingSink.Message message : messages) {
            ChangeEvent event = message.event();
            if (event instanceof DeltaChunk chunk) {
                assertThat(chunk.base()).isEqualTo(SourceFixture.sha256(base));
                assertThat(chunk.offset()).isEqualTo(out.size());
                apply(base, chunk.pieces(), message.body(), out);
            } else if (event instanceof PutDelta last) {
                assertThat(last.offset()).isEqualTo(out.size());
                apply(base, last.pieces(), message.body(), out);
                sha256 = last.sha256();
            } else if (event instanceof ChangeEvent.FileChunk || event instanceof PutFile) {
                out.writeBytes(message.body());
                sha256 = event instanceof PutFile put ? put.sha256() : null;
            }
        }
        byte[] bytes = out.toByteArray();
        assertThat(SourceFixture.sha256(bytes)).as("the SHA-256 the last message declares").isEqualTo(sha256);
        return bytes;
    }

    private static void apply(byte[] base, DeltaPieces pieces, byte[] body, ByteArrayOutputStream out) {
        int literal = 0;
        for (int i = 0; i < pieces.count(); i++) {
            int length = (int) pieces.length(i);
            if (pieces.isLiteral(i)) {
                out.write(body, literal, length);
                literal += length;
            } else {
                out.write(base, (int) pieces.from(i), length);
            }
        }
        assertThat(literal).as("the body holds the literal bytes, no more").isEqualTo(body.length);
    }

    private static long literalBytes(List<RecordingSink.Message> messages) {
        return messages.stream().mapToLong(m -> m.body().length).sum();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
