package dev.ferry.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.ignore.IgnoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a source tree and a faithful copy, when one thing about the copy changes, then the
 * comparison reports exactly that, one line per difference.
 */
class TreeComparisonTest {

    private static final Instant OLD = Instant.parse("2001-09-09T01:46:40.123Z");

    @TempDir
    Path work;

    Path source;
    Path dest;
    final List<Difference> found = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();

    @BeforeEach
    void aTreeAndAFaithfulCopy() throws IOException {
        source = work.resolve("source");
        dest = work.resolve("dest");
        for (Path root : List.of(source, dest)) {
            write(root, "docs/readme.txt", "read me");
            write(root, "docs/guide/chapter.txt", "a chapter");
            Files.createDirectories(root.resolve("empty"));
            write(root, "secret.txt", "owner only");
            Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("rw-------"));
            Files.createDirectories(root.resolve("links"));
            Files.createSymbolicLink(root.resolve("links/readme"), Path.of("../docs/readme.txt"));
            for (String path : List.of("docs/readme.txt", "docs/guide/chapter.txt", "secret.txt",
                    "docs/guide", "docs", "empty", "links")) {
                Files.setLastModifiedTime(root.resolve(path), FileTime.from(OLD));
            }
        }
    }

    @Test
    void aFaithfulCopyIsEqualAndTheConsumersBookkeepingIsNotCompared() throws IOException {
        write(dest, ".ferry/ledger.journal", "the consumer's own business");

        TreeComparison.Summary summary = compare(IgnoreRules.NONE);

        assertThat(found).isEmpty();
        assertThat(summary.equal()).isTrue();
        assertThat(summary.entries()).isEqualTo(8);
    }

    @Test
    void aComparisonFromADirectoryComparesWhatItHoldsAndNothingElse() throws IOException {
        write(dest, "docs/guide/chapter.txt", "A CHAPTER");
        Files.setLastModifiedTime(dest.resolve("docs/guide/chapter.txt"), FileTime.from(OLD));
        write(dest, "docs/extra.txt", "not in the source");
        Files.delete(dest.resolve("secret.txt"));
        IgnoreRules rules = IgnoreRules.NONE;

        TreeComparison.Summary summary = TreeComparison.compare(new TreeReader(source, rules),
                new TreeReader(dest, rules), "docs/guide", found::add);

        assertThat(found).extracting(Difference::path, Difference::kind)
                .containsExactly(tuple("docs/guide/chapter.txt", Difference.Kind.CONTENT));
        assertThat(summary.entries()).as("only what docs/guide holds").isEqualTo(1);
    }

    @Test
    void aMissingFileAndAMissingDirectoryAreOneLineEach() throws IOException {
        Files.delete(dest.resolve("secret.txt"));
        delete(dest.resolve("docs/guide"));
        Files.setLastModifiedTime(dest.resolve("docs"), FileTime.from(OLD));

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly("missing on dest: docs/guide/", "missing on dest: secret.txt");
        assertThat(found.get(1)).isEqualTo(new Difference("secret.txt", Difference.Kind.MISSING,
                "file of 10 bytes", null));
    }

    @Test
    void anExtraEntryIsADifference() throws IOException {
        write(dest, "stray.txt", "not in the source");

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly("extra on dest: stray.txt");
    }

    @Test
    void aChangedTypeIsOneDifference() throws IOException {
        delete(dest.resolve("empty"));
        write(dest, "empty", "now a file");

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly("type directory vs file: empty");
    }

    @Test
    void aDifferentSizeIsADifferenceAndSoIsEachOtherAttribute() throws IOException {
        write(dest, "docs/readme.txt", "read me, please");
        Files.setPosixFilePermissions(dest.resolve("docs/readme.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(dest.resolve("docs/readme.txt"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.setLastModifiedTime(dest.resolve("docs"), FileTime.from(OLD)); // Writing above touched it.

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly("differs (size 7 vs 15): docs/readme.txt",
                "mode 0644 vs 0755: docs/readme.txt",
                "mtime 2001-09-09T01:46:40.123Z vs 2020-01-01T00:00:00Z: docs/readme.txt");
    }

    @Test
    void oneChangedByteOfTheSameSizeIsADifferenceOfContent() throws IOException {
        write(dest, "secret.txt", "owner onlY");
        Files.setLastModifiedTime(dest.resolve("secret.txt"), FileTime.from(OLD));

        compare(IgnoreRules.NONE);

        assertThat(found).singleElement().satisfies(difference -> {
            assertThat(difference.kind()).isEqualTo(Difference.Kind.CONTENT);
            assertThat(difference.source()).isEqualTo(sha256("owner only"));
            assertThat(difference.dest()).isEqualTo(sha256("owner onlY"));
            assertThat(difference.toString()).startsWith("differs (sha256 ").endsWith("): secret.txt");
        });
    }

    @Test
    void aDirectoryModeAndModificationTimeAreDifferences() throws IOException {
        Files.setPosixFilePermissions(dest.resolve("empty"), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(dest.resolve("docs/guide"), FileTime.from(OLD.plusMillis(1)));

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly(
                "mtime 2001-09-09T01:46:40.123Z vs 2001-09-09T01:46:40.124Z: docs/guide",
                "mode 0755 vs 0700: empty");
    }

    @Test
    void timesAreComparedToTheMillisecond() throws IOException {
        Files.setLastModifiedTime(dest.resolve("docs/guide"), FileTime.from(OLD.plusNanos(999_999)));

        compare(IgnoreRules.NONE);

        assertThat(found).isEmpty();
    }

    @Test
    void aSymlinkTargetIsADifference() throws IOException {
        Files.delete(dest.resolve("links/readme"));
        Files.createSymbolicLink(dest.resolve("links/readme"), Path.of("../secret.txt"));
        Files.setLastModifiedTime(dest.resolve("links"), FileTime.from(OLD));

        compare(IgnoreRules.NONE);

        assertThat(lines()).containsExactly("symlink target '../docs/readme.txt' vs '../secret.txt': links/readme");
    }

    @Test
    void ignoredPathsAreNotComparedOnEitherSide() throws IOException {
        write(source, "notes.txt.swp", "only in the source");
        write(dest, "download.tmp", "only in the destination");
        write(source, "build/out.o", "ignored directory");
        write(dest, "docs/guide/chapter.txt~", "a backup in the destination");
        Files.setLastModifiedTime(dest.resolve("docs/guide"), FileTime.from(OLD));
        Files.writeString(source.resolve(".ferryignore"), "build/\n");
        Files.copy(source.resolve(".ferryignore"), dest.resolve(".ferryignore"), StandardCopyOption.COPY_ATTRIBUTES);

        compare(IgnoreSettings.DEFAULTS.rulesFor(source));

        assertThat(found).isEmpty();
    }

    @Test
    void whatFerryDoesNotReplicateIsSkippedInTheSourceButNotInTheDestination() throws IOException {
        Files.createSymbolicLink(source.resolve("links/out"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(dest.resolve("links/escape"), Path.of("../../outside"));
        Files.setLastModifiedTime(source.resolve("links"), FileTime.from(OLD));
        Files.setLastModifiedTime(dest.resolve("links"), FileTime.from(OLD));

        TreeComparison.Summary summary = compare(IgnoreRules.NONE);

        assertThat(skipped).containsExactly("links/out");
        assertThat(summary.skipped()).isOne();
        assertThat(lines()).containsExactly("extra on dest: links/escape");
    }

    @Test
    void aNameThatIsNotValidUtf8IsListedAsNotComparedOnEitherSideByItsBytes() throws Exception {
        // Latin-1 names, as an old file system or archive leaves them: "caf\xe9.txt" is not UTF-8.
        run(source, "touch \"$(printf 'docs/caf\\351.txt')\" \"$(printf 'docs/na\\357ve.txt')\"");
        run(dest, "touch \"$(printf 'docs/caf\\351.txt')\" \"$(printf 'docs/\\377')\"");
        for (Path root : List.of(source, dest)) {
            Files.setLastModifiedTime(root.resolve("docs"), FileTime.from(OLD));
        }

        TreeComparison.Summary summary = compare(IgnoreRules.NONE);

        assertThat(skipped).containsExactlyInAnyOrder("docs/caf\\xe9.txt", "docs/na\\xefve.txt",
                "docs/caf\\xe9.txt", "docs/\\xff");
        assertThat(summary.skipped()).isEqualTo(4);
        assertThat(found).isEmpty();
    }

    /** Found in review: a link whose target is not UTF-8 was compared by its lossy text, both sides alike. */
    @Test
    void aSymlinkTargetThatIsNotValidUtf8IsListedAsNotCompared() throws Exception {
        run(source, "ln -s \"$(printf 'caf\\351.txt')\" links/latin1");
        run(dest, "ln -s \"$(printf 'caf\\357.txt')\" links/latin1");
        for (Path root : List.of(source, dest)) {
            Files.setLastModifiedTime(root.resolve("links"), FileTime.from(OLD));
        }

        TreeComparison.Summary summary = compare(IgnoreRules.NONE);

        assertThat(skipped).containsExactlyInAnyOrder("links/latin1 -> caf\\xe9.txt", "links/latin1 -> caf\\xef.txt");
        assertThat(summary.skipped()).isEqualTo(2);
        assertThat(found).isEmpty();
    }

    /** Runs {@code command} with sh in {@code directory}: printf makes the bytes Java cannot name. */
    private static void run(Path directory, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command).directory(directory.toFile()).inheritIO().start();
        assertThat(process.waitFor()).isZero();
    }

    @Test
    void anUnreadableDirectoryIsADifferenceAndTheRestIsStillCompared() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads everything");
        Files.setPosixFilePermissions(dest.resolve("docs/guide"), PosixFilePermissions.fromString("---------"));
        try {
            write(dest, "stray.txt", "after the unreadable directory");

            compare(IgnoreRules.NONE);

            assertThat(lines()).contains("cannot read on dest (permission denied): docs/guide",
                    "mode 0755 vs 0000: docs/guide", "extra on dest: stray.txt");
        } finally {
            Files.setPosixFilePermissions(dest.resolve("docs/guide"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aRootThatIsNotThereIsAnError() {
        assertThatThrownBy(() -> TreeComparison.compare(source, work.resolve("nowhere"), IgnoreRules.NONE,
                found::add)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aWholeTreeIsReadWithItsHashesForSnapshots() throws IOException {
        Map<String, TreeEntry> entries = new TreeReader(source, IgnoreRules.NONE).walk(true);

        assertThat(entries).containsOnlyKeys("docs", "docs/guide", "docs/guide/chapter.txt", "docs/readme.txt",
                "empty", "links", "links/readme", "secret.txt");
        assertThat(entries.get("secret.txt")).isEqualTo(new TreeEntry(TreeEntry.Type.FILE, 10,
                sha256("owner only"), 0600, OLD.toEpochMilli(), null));
        assertThat(entries.get("links/readme").target()).isEqualTo("../docs/readme.txt");
    }

    private TreeComparison.Summary compare(IgnoreRules rules) throws IOException {
        return TreeComparison.compare(source, dest, rules, new TreeComparison.Listener() {
            @Override
            public void difference(Difference difference) {
                found.add(difference);
            }

            @Override
            public void skipped(String path, String reason) {
                skipped.add(path);
            }
        });
    }

    private List<String> lines() {
        return found.stream().map(Difference::toString).toList();
    }

    private static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void delete(Path tree) throws IOException {
        try (var paths = Files.walk(tree)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
