package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static dev.ferry.producer.SourceFixture.bytes;
import static dev.ferry.producer.SourceFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is published whole and settled, or not at all: never torn, never half-written. */
class StabilityTest {

    private static final Duration QUIET = Duration.ofMillis(50);

    @TempDir
    Path temp;

    @Test
    void aFileThatGrowsWhileItIsReadIsAbortedAndSentAgainWhole() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        byte[] original = bytes(3 * SourceFixture.CHUNK);
        tree.write("log.bin", original);
        byte[] appended = "appended while the producer was reading".getBytes();
        RecordingSink sink = new RecordingSink();
        onFirstChunk(sink, () -> append(tree.path("log.bin"), appended));

        publishOnce(tree, sink);

        List<ChangeEvent> sent = sink.sent();
        long tornSeq = sent.get(0).seq();
        assertThat(sent.get(0)).isInstanceOf(FileChunk.class);
        assertThat(sent).filteredOn(Abort.class::isInstance).extracting(ChangeEvent::seq).containsExactly(tornSeq);
        List<PutFile> puts = sent.stream().filter(PutFile.class::isInstance).map(PutFile.class::cast).toList();
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).seq()).isGreaterThan(tornSeq);
        byte[] whole = Files.readAllBytes(tree.path("log.bin"));
        assertThat(puts.get(0).size()).isEqualTo(original.length + appended.length);
        assertThat(puts.get(0).sha256()).isEqualTo(sha256(whole));
    }

    @Test
    void aFileThatShrinksWhileItIsReadIsAborted() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("shrinking.bin", bytes(3 * SourceFixture.CHUNK));
        RecordingSink sink = new RecordingSink();
        onFirstChunk(sink, () -> truncate(tree.path("shrinking.bin"), 100));

        publishOnce(tree, sink);

        assertThat(sink.sent()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("FileChunk", "Abort", "PutFile");
        PutFile put = (PutFile) sink.sent().get(2);
        assertThat(put.size()).isEqualTo(100);
        assertThat(put.sha256()).isEqualTo(sha256(Files.readAllBytes(tree.path("shrinking.bin"))));
    }

    @Test
    void aFileThatVanishesWhileItIsReadIsAbortedAndNeverPublished() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("temporary.bin", bytes(3 * SourceFixture.CHUNK));
        RecordingSink sink = new RecordingSink();
        onFirstChunk(sink, () -> tree.delete("temporary.bin"));

        publishOnce(tree, sink);

        assertThat(sink.sent()).extracting(e -> e.getClass().getSimpleName()).containsExactly("FileChunk", "Abort");
    }

    @Test
    void aDirectoryReplacedByALinkWhileAFileInItIsReadAbortsTheFile() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("dir/data.bin", bytes(3 * SourceFixture.CHUNK));
        Path outside = secretOutside("data.bin", 3 * SourceFixture.CHUNK);
        RecordingSink sink = new RecordingSink();
        onFirstChunk(sink, () -> replaceWithLink(tree.path("dir"), outside));

        publishOnce(tree, sink);

        List<ChangeEvent> sent = sink.sent();
        long tornSeq = sent.get(0).seq();
        assertThat(sent.get(0)).isInstanceOf(FileChunk.class);
        // The file was opened before the swap, so only what comes from the look after each chunk can tell.
        assertThat(sent).filteredOn(Abort.class::isInstance).extracting(ChangeEvent::seq).containsExactly(tornSeq);
        assertThat(sent).filteredOn(PutFile.class::isInstance).noneMatch(put -> put.seq() == tornSeq);
    }

    @Test
    void aDirectoryReplacedByALinkOutOfTheTreeBeforeAFileInItIsOpenedNeverLeaksWhatTheLinkPointsAt() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("a.txt", "published first");
        tree.write("dir/data.bin", bytes(3 * SourceFixture.CHUNK));
        Path outside = secretOutside("data.bin", 3 * SourceFixture.CHUNK);
        RecordingSink sink = new RecordingSink();
        AtomicBoolean swapped = new AtomicBoolean();
        sink.onSend(event -> {
            if (event.path().text().equals("a.txt") && swapped.compareAndSet(false, true)) {
                assertThat(sink.sent()).as("the swap comes before data.bin is read")
                        .noneMatch(e -> e.path().text().startsWith("dir/"));
                replaceWithLink(tree.path("dir"), outside);
            }
        });

        publishOnce(tree, sink);

        assertThat(swapped).isTrue();
        assertThat(sink.sentMessages()).as("no body read through the link")
                .noneMatch(message -> message.body().length > 0 && message.body()[0] == SECRET_BYTE);
    }

    private static final byte SECRET_BYTE = 's';

    /** A directory outside the tree holding {@code name}: {@code length} bytes of {@link #SECRET_BYTE}. */
    private Path secretOutside(String name, int length) throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        byte[] secret = new byte[length];
        java.util.Arrays.fill(secret, SECRET_BYTE);
        Files.write(outside.resolve(name), secret);
        return outside;
    }

    /** Moves {@code directory} aside and puts a link to {@code target} in its place. */
    private static void replaceWithLink(Path directory, Path target) {
        try {
            Files.move(directory, directory.resolveSibling(directory.getFileName() + ".moved"));
            Files.createSymbolicLink(directory, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFileStillBeingWrittenWaitsForTheQuietPeriodWhileTheRestIsPublished() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        MutableClock clock = new MutableClock(Instant.now().plusSeconds(3600));
        tree.write("settled.txt", "written an hour ago");
        tree.write("fresh.txt", "written just now");
        tree.setModified("fresh.txt", clock.instant());
        RecordingSink sink = new RecordingSink();

        try (Producer producer = Producer.open(tree.settings(QUIET, 256), sink, clock)) {
            CompletableFuture<PublishSummary> publishing = runInBackground(producer);

            await().atMost(Duration.ofSeconds(10)).until(() -> sink.committedChanges().contains("put settled.txt"));
            assertThat(publishing).isNotDone();
            assertThat(sink.sent()).noneMatch(e -> e.path().text().equals("fresh.txt"));

            clock.advance(QUIET);

            PublishSummary summary = publishing.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(summary.files()).isEqualTo(2);
        }
        assertThat(sink.committedChanges()).containsExactly("put settled.txt", "put fresh.txt");
    }

    @Test
    void closingStopsAPublishWaitingForAFileToSettle() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        MutableClock clock = new MutableClock(Instant.now().plusSeconds(3600));
        tree.write("settled.txt", "written an hour ago");
        tree.write("fresh.txt", "written just now");
        tree.setModified("fresh.txt", clock.instant());
        RecordingSink sink = new RecordingSink();
        Producer producer = Producer.open(tree.settings(QUIET, 256), sink, clock);
        CompletableFuture<PublishSummary> publishing = runInBackground(producer);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committedChanges().contains("put settled.txt"));

        producer.close();

        assertThat(publishing).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(InterruptedException.class);
        assertThat(sink.isClosed()).isTrue();
        assertThat(sink.committedChanges()).containsExactly("put settled.txt");
    }

    @Test
    void aFileDatedInTheFutureIsPublishedWithoutWaitingForIt() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("from-the-future.txt", "touched with a date next year");
        tree.setModified("from-the-future.txt", Instant.now().plus(Duration.ofDays(365)));
        RecordingSink sink = new RecordingSink();

        try (Producer producer = Producer.open(tree.settings(QUIET, 256), sink, java.time.Clock.systemUTC())) {
            assertThat(runInBackground(producer).get(10, java.util.concurrent.TimeUnit.SECONDS).files()).isEqualTo(1);
        }
    }

    private static void onFirstChunk(RecordingSink sink, Runnable change) {
        AtomicBoolean done = new AtomicBoolean();
        sink.onSend(event -> {
            if (event instanceof FileChunk && done.compareAndSet(false, true)) {
                change.run();
            }
        });
    }

    private static void publishOnce(SourceFixture tree, RecordingSink sink) throws Exception {
        try (Producer producer = Producer.open(tree.settings(QUIET, 256), sink, SETTLED_CLOCK)) {
            runInBackground(producer).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<PublishSummary> runInBackground(Producer producer) {
        CompletableFuture<PublishSummary> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(producer.publishOnce());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "publish-once");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static void append(Path file, byte[] data) {
        try {
            Files.write(file, data, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
