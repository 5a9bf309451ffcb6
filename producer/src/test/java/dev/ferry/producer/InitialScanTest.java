package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static dev.ferry.producer.SourceFixture.bytes;
import static dev.ferry.producer.SourceFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a tree never published before, when it is published, then every entry is sent once, in order. */
class InitialScanTest {

    @TempDir
    Path temp;

    @Test
    void aMixedTreeIsPublishedWithEveryDirectoryAfterItsContents() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("docs/readme.txt", "hello");
        tree.write("docs/deep/er/notes.md", "# notes");
        tree.mkdirs("empty");
        tree.write("zero.bin", new byte[0]);
        tree.write("häßlich name ü.txt", "unicode");
        tree.write("with space.txt", "spaces");
        tree.write("-dash.txt", "looks like an option");
        tree.mkdirs("links");
        tree.symlink("links/inside", "../docs/readme.txt");
        tree.symlink("links/outside", "../../elsewhere");
        tree.symlink("links/absolute", "/nonexistent/outside");

        RecordingSink sink = publish(tree);

        assertThat(sink.committedChanges()).containsExactly(
                "put -dash.txt",
                "put docs/deep/er/notes.md",
                "dir docs/deep/er",
                "dir docs/deep",
                "put docs/readme.txt",
                "dir docs",
                "dir empty",
                "put häßlich name ü.txt",
                "symlink links/inside -> ../docs/readme.txt",
                "dir links",
                "put with space.txt",
                "put zero.bin");
        assertThat(sink.sent()).isEqualTo(sink.committed());
    }

    @Test
    void anEmptyFileIsOnePutWithNoBody() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        Path zero = tree.write("zero.bin", new byte[0]);
        Files.setPosixFilePermissions(zero, PosixFilePermissions.fromString("rw-r-----"));

        RecordingSink sink = publish(tree);

        assertThat(sink.sentMessages()).hasSize(1);
        PutFile put = (PutFile) sink.sentMessages().get(0).event();
        assertThat(put.offset()).isZero();
        assertThat(put.length()).isZero();
        assertThat(put.size()).isZero();
        assertThat(put.sha256()).isEqualTo(sha256(new byte[0]));
        assertThat(put.mode()).isEqualTo(0640);
        assertThat(put.mtimeNanos()).isEqualTo(Files.getLastModifiedTime(zero).to(TimeUnit.NANOSECONDS));
    }

    @Test
    void aFileLargerThanAChunkTravelsInChunksWithTheShaOfTheWholeFile() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        byte[] data = bytes(3 * SourceFixture.CHUNK + 512);
        tree.write("big.bin", data);

        RecordingSink sink = publish(tree);

        List<RecordingSink.Message> messages = sink.sentMessages();
        assertThat(messages).extracting(m -> m.event().getClass().getSimpleName())
                .containsExactly("FileChunk", "FileChunk", "FileChunk", "PutFile");
        assertThat(messages.subList(0, 3)).extracting(m -> ((FileChunk) m.event()).offset())
                .containsExactly(0L, 1024L, 2048L);
        PutFile last = (PutFile) messages.get(3).event();
        assertThat(last.offset()).isEqualTo(3072);
        assertThat(last.length()).isEqualTo(512);
        assertThat(last.size()).isEqualTo(data.length);
        assertThat(last.sha256()).isEqualTo(sha256(data));
        assertThat(messages).extracting(m -> m.event().seq()).containsOnly(last.seq());
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        messages.forEach(m -> reassembled.writeBytes(m.body()));
        assertThat(reassembled.toByteArray()).isEqualTo(data);
    }

    @Test
    void sequenceNumbersIncreaseStrictlyFromOneChangeToTheNextAndFollowTheClock() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        for (int i = 0; i < 20; i++) {
            tree.write("dir" + (i % 3) + "/file" + i, "content " + i);
        }
        long before = SETTLED_CLOCK.millis() * 1000;

        RecordingSink sink = publish(tree);

        List<Long> seqs = sink.sent().stream().map(ChangeEvent::seq).toList();
        assertThat(seqs).hasSize(23).isSorted().doesNotHaveDuplicates();
        assertThat(seqs.get(0)).isGreaterThanOrEqualTo(before);
    }

    @Test
    void aDirectoryCarriesItsPermissionsAndModificationTime() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        Path empty = tree.mkdirs("private");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxr-x---"));
        Instant modified = Instant.parse("2024-02-29T12:34:56.123456789Z");
        Files.setLastModifiedTime(empty, FileTime.from(modified));

        RecordingSink sink = publish(tree);

        PutDirectory dir = (PutDirectory) sink.committed().get(0);
        assertThat(dir.mode()).isEqualTo(0750);
        assertThat(dir.mtimeNanos()).isEqualTo(modified.getEpochSecond() * 1_000_000_000L + modified.getNano());
    }

    @Test
    void fifosAreSkipped() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("real.txt", "real");
        Process mkfifo = new ProcessBuilder("mkfifo", tree.path("pipe").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        RecordingSink sink = publish(tree);

        assertThat(sink.committedChanges()).containsExactly("put real.txt");
    }

    @Test
    void changesAreCommittedInBatchesOfTheConfiguredSizeAndAtTheEnd() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        for (int i = 0; i < 7; i++) {
            tree.write("file" + i, "content " + i);
        }
        RecordingSink sink = new RecordingSink();

        try (Producer producer = Producer.open(tree.settings(ProducerSettings.DEFAULT_QUIET_PERIOD, 3), sink,
                SETTLED_CLOCK)) {
            PublishSummary summary = producer.publishOnce();
            assertThat(summary.events()).isEqualTo(7);
            assertThat(summary.files()).isEqualTo(7);
            assertThat(summary.bytes()).isEqualTo(7 * "content 0".length());
        }

        assertThat(sink.commits()).isEqualTo(3); // After 3, after 6, and the last one at the end.
        assertThat(sink.committedChanges()).hasSize(7);
    }

    @Test
    void aBodyLargerThanABatchIsCommittedInSeveralTransactions() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("big.bin", SourceFixture.bytes(10 * SourceFixture.CHUNK));
        RecordingSink sink = new RecordingSink();

        try (Producer producer = Producer.open(tree.settings(ProducerSettings.DEFAULT_QUIET_PERIOD, 3), sink,
                SETTLED_CLOCK)) {
            producer.publishOnce();
        }

        assertThat(sink.commits()).as("after chunks 3, 6 and 9, and with the last one").isEqualTo(4);
        assertThat(sink.committedChanges()).containsExactly("put big.bin");
    }

    @Test
    void nothingIsWrittenIntoTheSourceTree() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("a/b.txt", "b");

        publish(tree);

        try (var paths = Files.walk(tree.source)) {
            assertThat(paths.map(p -> tree.source.relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "a", "a/b.txt");
        }
    }

    static RecordingSink publish(SourceFixture tree) throws Exception {
        RecordingSink sink = new RecordingSink();
        try (Producer producer = Producer.open(tree.settings(), sink, SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        return sink;
    }
}
