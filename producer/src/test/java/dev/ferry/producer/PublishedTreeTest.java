package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.HashCache;
import dev.ferry.verify.TreeReader;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a tree published, what the producer's index says of it has the same directory digests as
 * the same tree on disk read by verify's reader: so a mirror that is its faithful copy compares
 * equal by its root alone.
 */
class PublishedTreeTest {

    @TempDir
    Path temp;

    SourceFixture tree;
    Path copy;

    @BeforeEach
    void aPublishedTreeAndAFaithfulCopyOfIt() throws Exception {
        tree = new SourceFixture(temp);
        tree.write("a.txt", "alpha");
        tree.write("docs/b.md", "beta");
        tree.write("docs/deep/c.bin", SourceFixture.bytes(70_000));
        tree.write("docs/deep/empty", "");
        tree.write("docs/notes.swp", "ignored by default");
        tree.write(".ferryignore", "# nothing yet\n");
        tree.write("caf\u00e9/\uD83D\uDE00.txt", "names outside ASCII");
        tree.mkdirs("empty-dir");
        tree.symlink("docs/link", "deep/c.bin");
        tree.symlink("out", "../../etc/passwd"); // Leaves the tree: not published.
        Files.setPosixFilePermissions(tree.path("docs/b.md"), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(tree.path("a.txt"), FileTime.from(123_456_789_123_456_789L, TimeUnit.NANOSECONDS));
        Files.setLastModifiedTime(tree.path("docs/deep"), FileTime.from(Instant.parse("1969-07-20T20:17:40.5Z")));
        publish();
        // Ignored from now on, it stays published, on the mirror too: neither side lists it.
        tree.write(".ferryignore", "empty\n");
        publish();
        copy = temp.resolve("copy");
        Process cp = new ProcessBuilder("cp", "-a", tree.source.toString(), copy.toString()).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
        Files.delete(copy.resolve("out")); // Never published; the root's own time is in no digest.
    }

    @Test
    void theDigestsOfWhatWasPublishedAreThoseOfTheTreeOnDisk() throws Exception {
        Map<String, DirectoryDigest> onDisk = digestsOnDisk(copy);

        try (SourceIndex index = SourceIndex.open(tree.state)) {
            Map<String, DirectoryDigest> published = DigestedTree.of(view(index, new SourceHasher(sourceTree())))
                    .digests();

            assertThat(published).isEqualTo(onDisk).containsKeys("", "docs", "docs/deep", "empty-dir", "caf\u00e9");
        }
    }

    @Test
    void anIndexThatKnowsNoHashesReadsEachFileOnceAndThenHasTheSameDigests() throws Exception {
        tree.forgetHashes();
        Map<String, DirectoryDigest> onDisk = digestsOnDisk(copy);

        try (SourceIndex index = SourceIndex.open(tree.state)) {
            SourceHasher hasher = new SourceHasher(sourceTree());
            PublishedTree view = view(index, hasher);
            assertThat(view.learnHashes(SETTLED_CLOCK.instant().plusSeconds(60))).isTrue();
            index.commit();
            long read = hasher.filesRead();

            assertThat(DigestedTree.of(view).digests()).isEqualTo(onDisk);
            assertThat(read).as("every published file the rules do not ignore now, once").isEqualTo(5);
            assertThat(hasher.filesRead()).as("no file read again").isEqualTo(read);
        }
        try (SourceIndex index = SourceIndex.open(tree.state)) {
            assertThat(index.filesWithoutHash("", 10)).as("remembered, but for the file ignored now")
                    .containsExactly(RelPath.of("docs/deep/empty"));
        }
    }

    @Test
    void aFileChangedSinceItWasPublishedIsNotHashedAndItsDirectoriesHaveNoDigest() throws Exception {
        tree.forgetHashes();
        tree.write("docs/b.md", "beta, edited after it was published");

        try (SourceIndex index = SourceIndex.open(tree.state)) {
            PublishedTree view = view(index, new SourceHasher(sourceTree()));
            assertThat(view.learnHashes(SETTLED_CLOCK.instant().plusSeconds(60))).isTrue();

            DigestedTree digested = DigestedTree.of(view);
            assertThat(index.get(RelPath.of("docs/b.md")).sha256()).isNull();
            assertThat(digested.digest("docs")).isNull();
            assertThat(digested.digest("")).isNull();
            assertThat(digested.digest("docs/deep")).isEqualTo(digestsOnDisk(copy).get("docs/deep"));
        }
    }

    private void publish() throws Exception {
        try (Producer producer = Producer.open(tree.settings(), new RecordingSink(), SETTLED_CLOCK)) {
            producer.publishOnce();
        }
    }

    private PublishedTree view(SourceIndex index, SourceHasher hasher) throws IOException {
        SourceIgnores ignores = SourceIgnores.load(tree.source, IgnoreSettings.DEFAULTS);
        return new PublishedTree(index, ignores, hasher, () -> { }, SETTLED_CLOCK);
    }

    private SourceTree sourceTree() throws IOException {
        return new SourceTree(tree.source.toRealPath());
    }

    private static Map<String, DirectoryDigest> digestsOnDisk(Path root) throws IOException {
        IgnoreRules rules = IgnoreSettings.DEFAULTS.rulesFor(root);
        return DigestedTree.of(new TreeReader(HashCache.inMemory(root), rules)).digests();
    }
}
