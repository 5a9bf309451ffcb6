package dev.ferry.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.journal.Journal;
import dev.ferry.wire.DirectoryDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a tree whose files were hashed once, the cache answers from memory or its journal until a
 * file changes in any way a user can make, even one that keeps its size and modification time.
 */
class HashCacheTest {

    /** A clock a minute ahead: every file written by the test has rested long enough to be remembered. */
    private static final Clock RESTED = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-09-09T01:46:40.123456789Z"));

    @TempDir
    Path work;

    Path tree;
    Path journal;

    @BeforeEach
    void aTree() throws IOException {
        tree = Files.createDirectories(work.resolve("dst"));
        journal = tree.resolve(".ferry/hashes.journal");
        write("a.txt", "alpha");
        write("docs/b.txt", "bravo");
        Files.setLastModifiedTime(tree.resolve("a.txt"), OLD);
    }

    @Test
    void anUnchangedFileIsReadOnce() throws IOException {
        try (HashCache cache = HashCache.inMemory(tree, 10, RESTED)) {
            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("alpha"));
            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("alpha"));

            assertThat(cache.filesRead()).isOne();
        }
    }

    @Test
    void aFileEditedInPlaceKeepingItsSizeAndModificationTimeIsReadAgain() throws Exception {
        try (HashCache cache = HashCache.inMemory(tree, 10, RESTED)) {
            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("alpha"));
            FileStamp hashed = FileStamp.of(tree.resolve("a.txt"));
            Thread.sleep(50); // Past the file system's tick, so that the change time moves.

            write("a.txt", "ALPHA");
            Files.setLastModifiedTime(tree.resolve("a.txt"), OLD);
            FileStamp edited = FileStamp.of(tree.resolve("a.txt"));
            assertThat(edited).usingRecursiveComparison().ignoringFields("ctimeNanos").isEqualTo(hashed);

            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("ALPHA"));
            assertThat(cache.filesRead()).isEqualTo(2);
        }
    }

    @Test
    void aRestartReloadsTheHashesFromTheJournal() throws IOException {
        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            cache.sha256("a.txt");
            cache.sha256("docs/b.txt");
        }

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            assertThat(cache.size()).isEqualTo(2);
            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("alpha"));
            assertThat(cache.sha256("docs/b.txt")).isEqualTo(sha256("bravo"));
            assertThat(cache.filesRead()).isZero();
        }
    }

    @Test
    void theDigestsOfAnUnchangedTreeAreComputedAgainWithoutReadingAFile() throws IOException {
        DirectoryDigest first;
        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            first = DigestedTree.of(new TreeReader(cache, IgnoreRules.NONE)).digest("");
        }

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            assertThat(DigestedTree.of(new TreeReader(cache, IgnoreRules.NONE)).digest("")).isEqualTo(first);
            assertThat(cache.filesRead()).isZero();
        }
        assertThat(first.entries()).isEqualTo(3);
    }

    @Test
    void aVanishedFileIsForgottenAlsoAfterARestart() throws IOException {
        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            cache.sha256("a.txt");
            Files.delete(tree.resolve("a.txt"));

            assertThatThrownBy(() -> cache.sha256("a.txt")).isInstanceOf(NoSuchFileException.class);
            assertThat(cache.size()).isZero();
        }

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void filesNotAskedForInAWholeWalkAreForgotten() throws IOException {
        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            cache.sha256("a.txt");
            cache.sha256("docs/b.txt");
        }
        Files.delete(tree.resolve("docs/b.txt"));

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            cache.sha256("a.txt");
            cache.forgetUnused();
        }

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            assertThat(cache.size()).isOne();
        }
    }

    @Test
    void aFileChangedJustNowIsNotRememberedSinceItMayChangeAgainWithinTheSameTick() throws IOException {
        try (HashCache cache = HashCache.inMemory(tree, 10, Clock.systemUTC())) {
            cache.sha256("a.txt");
            cache.sha256("a.txt");

            assertThat(cache.size()).isZero();
            assertThat(cache.filesRead()).isEqualTo(2);
        }
    }

    @Test
    void atCapacityFurtherFilesAreHashedButNotRemembered() throws IOException {
        try (HashCache cache = HashCache.inMemory(tree, 1, RESTED)) {
            cache.sha256("a.txt");

            assertThat(cache.sha256("docs/b.txt")).isEqualTo(sha256("bravo"));
            assertThat(cache.size()).isOne();
        }
    }

    @Test
    void aRecordTheCacheCannotReadIsAHashForgottenNotAnError() throws IOException {
        try (Journal other = Journal.open(journal, (key, value) -> { })) {
            other.put("a.txt", "2 from a later version");
            other.put("docs/b.txt", "1 5 x y z w " + sha256("bravo"));
            other.commit();
        }
        Files.write(journal, new byte[] {0, 0, 0, 9, 1, 2}, StandardOpenOption.APPEND); // A torn record.

        try (HashCache cache = HashCache.open(tree, journal, 10, RESTED)) {
            assertThat(cache.size()).isZero();
            assertThat(cache.sha256("a.txt")).isEqualTo(sha256("alpha"));
        }
    }

    @Test
    void aDirectoryOrALinkHasNoContentHash() throws IOException {
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        try (HashCache cache = HashCache.inMemory(tree, 10, RESTED)) {
            assertThatThrownBy(() -> cache.sha256("docs")).hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> cache.sha256("link")).hasMessageContaining("not a regular file");
        }
    }

    /** Writes in place, as an editor that keeps the inode does. */
    private void write(String path, String text) throws IOException {
        Path file = tree.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
