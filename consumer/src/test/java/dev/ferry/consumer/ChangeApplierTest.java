package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.body;
import static dev.ferry.consumer.Bodies.putFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeApplierTest {

    @TempDir
    Path parent;
    Path dst;
    Replica replica;

    @BeforeEach
    void openReplica() throws Exception {
        dst = parent.resolve("dst");
        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
        dst = replica.root();
    }

    @AfterEach
    void closeReplica() throws Exception {
        replica.close();
    }

    private boolean apply(ChangeEvent event, String content) throws Exception {
        return Delivery.applyNow(replica, event, body(content));
    }

    @Test
    void aPutFileAppearsWithItsBytesModeAndMtime() throws Exception {
        ChangeEvent.PutFile put = new ChangeEvent.PutFile(RelPath.of("dir/a b ☃.txt"), 1, 0, 5, 5,
                Bodies.sha256("hello".getBytes(StandardCharsets.UTF_8)), 0600, Bodies.MTIME);

        assertThat(apply(put, "hello")).isTrue();

        Path file = dst.resolve("dir/a b ☃.txt");
        assertThat(file).hasContent("hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.getLastModifiedTime(file).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000);
    }

    @Test
    void aFileSentInChunksBecomesVisibleOnlyWithItsLastChunk() throws Exception {
        byte[] bytes = new byte[10_000];
        new Random(7).nextBytes(bytes);
        RelPath path = RelPath.of("big.bin");
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 3, 0, 4000), body(bytes, 0, 4000));
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 3, 4000, 4000), body(bytes, 4000, 4000));

        assertThat(dst.resolve("big.bin")).doesNotExist();

        Delivery.applyNow(replica, new ChangeEvent.PutFile(path, 3, 8000, 2000, 10_000, Bodies.sha256(bytes),
                0644, Bodies.MTIME), body(bytes, 8000, 2000));
        assertThat(Files.readAllBytes(dst.resolve("big.bin"))).isEqualTo(bytes);
        assertThat(Files.list(dst.resolve(".ferry/staging"))).as("staging cleaned up").isEmpty();
    }

    @Test
    void aRedeliveredChunkAfterARestartStillYieldsTheRightFile() throws Exception {
        byte[] bytes = new byte[9000];
        new Random(9).nextBytes(bytes);
        RelPath path = RelPath.of("resumed.bin");
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 4, 0, 3000), body(bytes, 0, 3000));
        replica.makeDurable(true, 4);
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 4, 3000, 3000), body(bytes, 3000, 3000));
        replica.close(); // crash before the second chunk was committed: it will be redelivered

        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 4, 3000, 3000), body(bytes, 3000, 3000));
        Delivery.applyNow(replica, new ChangeEvent.PutFile(path, 4, 6000, 3000, 9000, Bodies.sha256(bytes),
                0644, Bodies.MTIME), body(bytes, 6000, 3000));

        assertThat(Files.readAllBytes(dst.resolve("resumed.bin"))).isEqualTo(bytes);
    }

    @Test
    void aBodyThatDoesNotMatchItsHashIsPoisonAndNeverVisible() throws Exception {
        ChangeEvent.PutFile put = putFile("bad.txt", 1, "expected");

        assertThatThrownBy(() -> apply(put, "tampered"))
                .isInstanceOf(PoisonException.class).hasMessageContaining("SHA-256 mismatch for bad.txt");
        assertThat(dst.resolve("bad.txt")).doesNotExist();
    }

    @Test
    void aPathTooLongToCreateUnderTheDestinationIsPoison() {
        // Found by HostileApplyingTest: 16 names of 255 bytes make a valid 4095-byte path, longer than
        // PATH_MAX under any root; the consumer retried its FileSystemException ten times with backoff.
        String tooLong = String.join("/", Collections.nCopies(16, "n".repeat(255)));

        assertThatThrownBy(() -> apply(putFile(tooLong, 1, "x"), "x"))
                .isInstanceOf(PoisonException.class).hasMessageContaining("is too long to create under " + dst);
    }

    @Test
    void aLinkThatCannotBeMovedIntoPlaceLeavesNoLinkBehindInStaging() throws Exception {
        // Found by HostileApplyingTest: the link was made in .ferry/staging with a target meant for its
        // own depth ("../../../x" climbs out of DST from there) and stayed there when the move failed.
        String tooLong = String.join("/", Collections.nCopies(16, "n".repeat(255)));
        ChangeEvent.PutSymlink link = new ChangeEvent.PutSymlink(RelPath.of(tooLong), 1, "../../../x");

        assertThatThrownBy(() -> Delivery.applyNow(replica, link, body(""))).isInstanceOf(PoisonException.class);
        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
    }

    @Test
    void aDuplicateOrStaleEventChangesNothing() throws Exception {
        apply(putFile("a.txt", 5, "new"), "new");

        assertThat(apply(putFile("a.txt", 5, "new"), "new")).isFalse();
        assertThat(apply(putFile("a.txt", 4, "old"), "old")).isFalse();
        assertThat(dst.resolve("a.txt")).hasContent("new");
    }

    @Test
    void aDeleteRemovesAWholeTreeAndOlderEventsBelowItAreIgnored() throws Exception {
        apply(putFile("d/e/f.txt", 1, "x"), "x");
        apply(putFile("d/g.txt", 2, "y"), "y");

        Delivery.applyNow(replica, new ChangeEvent.Delete(RelPath.of("d"), 3), body(""));
        assertThat(dst.resolve("d")).doesNotExist();

        assertThat(apply(putFile("d/g.txt", 2, "y"), "y")).as("a late duplicate").isFalse();
        assertThat(dst.resolve("d")).doesNotExist();
    }

    @Test
    void renamesMoveFilesAndDirectoriesAndAreIdempotent() throws Exception {
        apply(putFile("from/inner/x.txt", 1, "x"), "x");
        ChangeEvent.Rename rename = new ChangeEvent.Rename(RelPath.of("from"), RelPath.of("to/moved"), 2);

        Delivery.applyNow(replica, rename, body(""));
        assertThat(dst.resolve("to/moved/inner/x.txt")).hasContent("x");
        assertThat(dst.resolve("from")).doesNotExist();

        assertThat(Delivery.applyNow(replica, rename, body(""))).isFalse();
        assertThat(dst.resolve("to/moved/inner/x.txt")).hasContent("x");
    }

    @Test
    void aRenameOntoAnExistingFileReplacesIt() throws Exception {
        apply(putFile("a", 1, "from a"), "from a");
        apply(putFile("b", 2, "old b"), "old b");

        Delivery.applyNow(replica, new ChangeEvent.Rename(RelPath.of("a"), RelPath.of("b"), 3), body(""));

        assertThat(dst.resolve("b")).hasContent("from a");
        assertThat(dst.resolve("a")).doesNotExist();
    }

    @Test
    void directoriesGetModeAndMtimeAndKeepThemWhenChildrenChangeLater() throws Exception {
        Delivery.applyNow(replica, new ChangeEvent.PutDirectory(RelPath.of("d"), 1, 0750, Bodies.MTIME), body(""));
        apply(putFile("d/late.txt", 2, "late"), "late");

        Path d = dst.resolve("d");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000);
    }

    @Test
    void filesLandedUnderAHoldGiveTheirDirectoriesTheirTimesBackOnlyWhenItCloses() throws Exception {
        Delivery.applyNow(replica, new ChangeEvent.PutDirectory(RelPath.of("d"), 1, 0755, Bodies.MTIME), body(""));
        replica.makeDurable(false, 1); // Committed: not delivered again.
        ChangeApplier applier = replica.applier();
        applier.apply(putFile("d/a", 2, "a"), EventBody.of(body("a")), body("a"));
        applier.apply(putFile("d/new/b", 3, "b"), EventBody.of(body("b")), body("b"));
        Path d = dst.resolve("d");

        try (ReplicaTree.TimeHold hold = replica.holdDirectoryTimes()) {
            for (PendingFiles.Pending file : applier.takePending()) {
                applier.land(file);
            }
            // Deferred: the directory's time is given back once, not after every file.
            assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isNotEqualTo(Bodies.MTIME / 1_000_000);
        }

        assertThat(dst.resolve("d/a")).hasContent("a");
        assertThat(dst.resolve("d/new/b")).hasContent("b");
        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000);
    }

    @Test
    void aDirectoryAConsumerKilledWhileLandingLeftWithTheTimeOfTheCrashGetsItsTimeBackAtTheNextOpen() throws Exception {
        Delivery.applyNow(replica, new ChangeEvent.PutDirectory(RelPath.of("d"), 1, 0755, Bodies.MTIME), body(""));
        ChangeApplier applier = replica.applier();
        applier.apply(putFile("d/a", 2, "a"), EventBody.of(body("a")), body("a"));
        Path d = dst.resolve("d");

        ReplicaTree.TimeHold killedBeforeItCloses = replica.holdDirectoryTimes();
        for (PendingFiles.Pending file : applier.takePending()) {
            applier.land(file);
        }
        replica.close(); // What a kill leaves: the hold never closed, the batch never committed.
        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isNotEqualTo(Bodies.MTIME / 1_000_000);
        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);

        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).as("d's time, given back at the open")
                .isEqualTo(Bodies.MTIME / 1_000_000);
        apply(putFile("d/a", 2, "a"), "a"); // The batch delivered again: it keeps the time it finds.
        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000);
    }

    @Test
    void timesGivenBackAreForgottenSoALaterOpenLeavesDirectoriesAsTheyAre() throws Exception {
        apply(putFile("d/a", 1, "a"), "a");
        apply(new ChangeEvent.Delete(RelPath.of("d/a"), 2), "");
        Delivery.applyNow(replica, new ChangeEvent.PutDirectory(RelPath.of("d"), 3, 0755, Bodies.MTIME), body(""));
        replica.makeDurable(false, 3);
        assertThat(dst.resolve(".ferry").resolve(Replica.DIRECTORY_TIMES)).as("forgotten with the commit")
                .isEmptyFile();
        replica.close();

        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);

        assertThat(Files.getLastModifiedTime(dst.resolve("d")).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000);
    }

    /** Found in review: a garbled record (a huge length, a NUL in a path) stopped every start that followed. */
    @Test
    void garbledDirectoryTimesAreIgnoredAndNeverStopTheReplicaFromOpening() throws Exception {
        apply(putFile("d/a", 1, "a"), "a");
        replica.close();
        Path record = dst.resolve(".ferry").resolve(Replica.DIRECTORY_TIMES);
        byte[] garbage = new byte[4096];
        new Random(13).nextBytes(garbage);
        garbage[0] = 0x7f; // A length near Integer.MAX_VALUE first.
        for (byte[] bad : new byte[][] {garbage, {0, 0, 0, 3, 'a', 0, 'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0}}) {
            Files.write(record, bad);
            FileTime before = Files.getLastModifiedTime(dst.resolve("d"));

            replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
            replica.close();

            assertThat(Files.getLastModifiedTime(dst.resolve("d"))).isEqualTo(before);
            assertThat(record).isEmptyFile();
        }
        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
    }

    @Test
    void aFileOrLinkReplacesADirectoryInItsWayWithEverythingBelowIt() throws Exception {
        apply(putFile("was-a-dir/inner/file", 1, "old"), "old");
        apply(putFile("also-a-dir/file", 2, "old"), "old");

        apply(putFile("was-a-dir", 3, "now a file"), "now a file");
        Delivery.applyNow(replica, new ChangeEvent.PutSymlink(RelPath.of("also-a-dir"), 4, "was-a-dir"), body(""));

        assertThat(dst.resolve("was-a-dir")).isRegularFile().hasContent("now a file");
        assertThat(Files.readSymbolicLink(dst.resolve("also-a-dir"))).isEqualTo(Paths.get("was-a-dir"));
    }

    @Test
    void symlinksAreReplicatedAsLinks() throws Exception {
        apply(putFile("target.txt", 1, "t"), "t");
        Delivery.applyNow(replica, new ChangeEvent.PutSymlink(RelPath.of("sub/link"), 2, "../target.txt"), body(""));

        Path link = dst.resolve("sub/link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Paths.get("../target.txt"));
    }

    @Test
    void aLinkMovedCloserToTheRootWhereItWouldPointOutOfTheTreeIsRemoved() throws Exception {
        // Found by HostileApplyingTest: "a/a/a" -> "../../a" stays inside, but after renaming "a/a" to
        // "A" the same link "A/a" -> "../../a" pointed at a file next to the destination.
        Delivery.applyNow(replica, new ChangeEvent.PutSymlink(RelPath.of("a/a/a"), 1, "../../a"), body(""));
        Delivery.applyNow(replica, new ChangeEvent.PutSymlink(RelPath.of("a/a/b"), 2, "../c"), body(""));

        Delivery.applyNow(replica, new ChangeEvent.Rename(RelPath.of("a/a"), RelPath.of("A"), 3), body(""));

        assertThat(Files.exists(dst.resolve("A/a"), LinkOption.NOFOLLOW_LINKS)).as("the link that would leave")
                .isFalse();
        assertThat(Files.readSymbolicLink(dst.resolve("A/b"))).as("a link still inside")
                .isEqualTo(Paths.get("../c"));
    }

    @Test
    void aLinkInTheReplicaIsNeverWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(parent.resolve("outside"));
        Files.createSymbolicLink(dst.resolve("escape"), outside); // planted by someone else

        apply(putFile("escape/pwned.txt", 1, "x"), "x");

        assertThat(outside.resolve("pwned.txt")).doesNotExist();
        assertThat(Files.isDirectory(dst.resolve("escape"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(dst.resolve("escape/pwned.txt")).hasContent("x");
    }

    @Test
    void anAbortDiscardsTheStagedBody() throws Exception {
        RelPath path = RelPath.of("torn.bin");
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 6, 0, 3), body("abc"));
        Delivery.applyNow(replica, new ChangeEvent.Abort(path, 6), body(""));

        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
        assertThat(dst.resolve("torn.bin")).doesNotExist();
    }

    @Test
    void aNewerVersionRemovesTheUnfinishedBodyOfAnOlderOne() throws Exception {
        RelPath path = RelPath.of("f.bin");
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(path, 6, 0, 3), body("abc")); // producer died here
        apply(putFile("f.bin", 9, "final"), "final");

        assertThat(dst.resolve("f.bin")).hasContent("final");
        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
    }

    @Test
    void aBodyLeftIncompleteByAProducerThatDiedIsRemovedOnceNewerEventsAreCommitted() throws Exception {
        Delivery.applyNow(replica, new ChangeEvent.FileChunk(RelPath.of("orphan.bin"), 6, 0, 3), body("abc"));
        replica.makeDurable(true, 6);
        assertThat(Files.list(dst.resolve(".ferry/staging"))).hasSize(1);

        apply(putFile("other.txt", 12, "after the producer restarted"), "after the producer restarted");
        replica.makeDurable(true, 12);

        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
    }

    @Test
    void attributesGiveAFileItsModeAndMtimeAndKeepItsContentAndItsDirectorysTime() throws Exception {
        apply(putFile("d/a.txt", 1, "content"), "content");
        Path file = dst.resolve("d/a.txt");
        FileTime directoryTime = Files.getLastModifiedTime(dst.resolve("d"));

        assertThat(attributes("d/a.txt", 2, 0600, Bodies.MTIME + 86_400_000_000_000L)).isTrue();

        assertThat(file).hasContent("content");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.getLastModifiedTime(file).to(TimeUnit.MILLISECONDS))
                .isEqualTo((Bodies.MTIME + 86_400_000_000_000L) / 1_000_000);
        assertThat(Files.getLastModifiedTime(dst.resolve("d"))).isEqualTo(directoryTime);
    }

    @Test
    void attributesGiveADirectoryItsModeAndMtime() throws Exception {
        Delivery.applyNow(replica, new ChangeEvent.PutDirectory(RelPath.of("d"), 1, 0755, Bodies.MTIME), body(""));

        assertThat(attributes("d", 2, 0700, Bodies.MTIME - 1_000_000_000L)).isTrue();

        Path d = dst.resolve("d");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        assertThat(Files.getLastModifiedTime(d).to(TimeUnit.MILLISECONDS)).isEqualTo(Bodies.MTIME / 1_000_000 - 1000);
    }

    @Test
    void attributesOlderThanWhatWasAppliedAtThePathChangeNothingAndNewerOnesMakeOlderEventsStale() throws Exception {
        apply(putFile("a.txt", 5, "five"), "five");

        assertThat(attributes("a.txt", 4, 0600, 0)).as("older than the file").isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("a.txt"))))
                .isEqualTo("rw-r--r--");

        assertThat(attributes("a.txt", 6, 0640, Bodies.MTIME)).isTrue();
        assertThat(attributes("a.txt", 6, 0640, Bodies.MTIME)).as("a redelivery").isFalse();
        assertThat(apply(putFile("a.txt", 5, "five"), "five")).as("the file again, older").isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("a.txt"))))
                .isEqualTo("rw-r-----");
    }

    @Test
    void attributesOfAPathWithNothingThereOrALinkChangeNothingAndFollowNoLink() throws Exception {
        Path outside = Files.writeString(parent.resolve("outside.txt"), "not the replica's");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(dst.resolve("link"), outside);
        Files.createSymbolicLink(dst.resolve("through"), parent);

        assertThat(attributes("link", 1, 0777, 0)).isFalse();
        assertThat(attributes("through/outside.txt", 2, 0777, 0)).isFalse();
        assertThat(attributes("missing.txt", 3, 0600, 0)).isFalse();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).isEqualTo("rw-r--r--");
        assertThat(apply(putFile("missing.txt", 2, "older, yet the first there"), "older, yet the first there"))
                .as("attributes that found nothing leave no mark").isTrue();
    }

    private boolean attributes(String path, long seq, int mode, long mtimeNanos) throws Exception {
        return Delivery.applyNow(replica, new ChangeEvent.PutAttributes(RelPath.of(path), seq, mode, mtimeNanos),
                body(""));
    }

    @Test
    void aSecondConsumerOnTheSameDestinationIsRefused() {
        assertThatThrownBy(() -> Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE))
                .hasMessageContaining("another consumer is already applying to " + dst);
    }
}
