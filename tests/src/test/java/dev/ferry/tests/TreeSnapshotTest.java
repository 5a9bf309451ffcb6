package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison every end-to-end test relies on must be able to fail: it sees a faithful copy as
 * equal, and each kind of difference Ferry could get wrong as a difference, named by path.
 */
class TreeSnapshotTest {

    @TempDir
    Path work;

    private Path source;
    private Path copy;

    @BeforeEach
    void aMixedTreeAndAFaithfulCopy() throws Exception {
        source = TestTrees.mixed(work.resolve("source"));
        copy = work.resolve("copy");
        Process cp = new ProcessBuilder("cp", "-a", source.toString(), copy.toString()).inheritIO().start();
        assertThat(cp.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cp.exitValue()).isZero();
    }

    @Test
    void aFaithfulCopyIsEqualAndTheBookkeepingDirectoryIsIgnored() {
        TestTrees.writeText(copy.resolve(".ferry/ledger"), "the consumer's own business");

        assertThat(TreeSnapshot.of(copy)).isEqualTo(TreeSnapshot.of(source));
        assertThat(TreeSnapshot.of(source).paths()).contains("links/readme", TestTrees.UNICODE_NAME, "empty");
    }

    @Test
    void oneChangedByteIsADifference() throws IOException {
        byte[] blob = Files.readAllBytes(copy.resolve("data/blob.bin"));
        blob[blob.length / 2] ^= 1;
        Files.write(copy.resolve("data/blob.bin"), blob);
        keepMtimeOf("data/blob.bin");

        assertDiffers("differs (sha256 ");
        assertDiffers("): data/blob.bin");
    }

    @Test
    void aModeIsADifference() {
        TestTrees.mode(copy.resolve("secret.txt"), "rw-r--r--");

        assertDiffers("mode 0600 vs 0644: secret.txt");
    }

    @Test
    void aDirectoryModificationTimeIsADifference() {
        TestTrees.mtime(copy.resolve("docs/guide"), Instant.parse("2020-01-01T00:00:00Z"));

        assertDiffers("vs 2020-01-01T00:00:00Z: docs/guide");
    }

    @Test
    void aSymlinkTargetIsADifference() throws IOException {
        Files.delete(copy.resolve("links/readme"));
        TestTrees.symlink(copy.resolve("links/readme"), "../docs/guide/chapter 1.txt");

        assertDiffers("symlink target '../docs/readme.txt' vs '../docs/guide/chapter 1.txt': links/readme");
    }

    @Test
    void missingAndUnexpectedEntriesAreDifferences() throws IOException {
        Files.delete(copy.resolve("empty"));
        TestTrees.writeText(copy.resolve("stray.txt"), "not in the source");

        assertDiffers("missing on dest: empty/");
        assertDiffers("extra on dest: stray.txt");
    }

    private void keepMtimeOf(String path) throws IOException {
        Files.setLastModifiedTime(copy.resolve(path), Files.getLastModifiedTime(source.resolve(path)));
    }

    private void assertDiffers(String expectedLine) {
        assertThatThrownBy(() -> assertThat(TreeSnapshot.of(copy)).isEqualTo(TreeSnapshot.of(source)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(expectedLine);
    }
}
