package dev.ferry.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.wire.DirectoryDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a source tree and its mirror, both offering the digests of their directories, a comparison
 * lists only the directories whose subtrees differ, and finds exactly what a comparison that lists
 * everything finds.
 */
class DigestedComparisonTest {

    private static final FileTime OLD = FileTime.from(Instant.parse("2001-09-09T01:46:40.123Z"));

    @TempDir
    Path work;

    Path source;
    Path dest;

    @BeforeEach
    void aTreeOfTwentySevenFilesAndAFaithfulCopy() throws Exception {
        source = work.resolve("source");
        for (String top : List.of("a", "b", "c")) {
            for (String middle : List.of("1", "2", "3")) {
                for (String file : List.of("x", "y", "z")) {
                    write(source, top + "/" + middle + "/" + file, top + middle + file);
                }
            }
        }
        Files.createSymbolicLink(source.resolve("c/link"), Path.of("1/x"));
        dest = work.resolve("dest");
        run(work, "cp", "-a", source.toString(), dest.toString());
    }

    @Test
    void anEqualMirrorIsNotListedAtAllAndCountsAllItsEntriesAsCompared() throws IOException {
        Findings plain = compare(plain(source), plain(dest));
        CountingView there = new CountingView(plain(source));
        CountingView here = new CountingView(plain(dest));

        Findings digested = compare(digested(there), digested(here));

        assertThat(there.listed()).isEmpty();
        assertThat(here.listed()).isEmpty();
        assertThat(digested.summary).isEqualTo(plain.summary);
        assertThat(digested.summary.entries()).isEqualTo(3 + 9 + 27 + 1);
        assertThat(digested.summary.equal()).isTrue();
    }

    @Test
    void aDigestedTreeNamesEveryDirectoryItListedAlsoThoseWithoutADigest() throws Exception {
        run(dest, "mkfifo", "b/2/fifo"); // Not replicated: b/2 and b have no digest.

        DigestedTree tree = DigestedTree.of(plain(dest));

        assertThat(tree.directories()).containsExactlyInAnyOrder("", "a", "a/1", "a/2", "a/3", "b", "b/1", "b/2",
                "b/3", "c", "c/1", "c/2", "c/3");
        assertThat(tree.digests().keySet()).containsExactlyInAnyOrder("a", "a/1", "a/2", "a/3", "b/1", "b/3", "c",
                "c/1", "c/2", "c/3");
    }

    @Test
    void aFileEditedDeepDownListsOnlyTheDirectoriesAboveIt() throws IOException {
        write(dest, "b/2/y", "B2Y");
        CountingView there = new CountingView(plain(source));
        CountingView here = new CountingView(plain(dest));

        Findings digested = compare(digested(there), digested(here));

        assertThat(there.listed()).containsExactly("", "b", "b/2");
        assertThat(here.listed()).containsExactly("", "b", "b/2");
        assertThat(digested.lines).containsExactly("differs (sha256 " + abbreviated("b2y") + " vs "
                + abbreviated("B2Y") + "): b/2/y");
        assertThat(digested).isEqualTo(compare(plain(source), plain(dest)));
    }

    @Test
    void whateverDiffersOrIsSkippedADigestedComparisonFindsAsAPlainOneDoes() throws Exception {
        Files.delete(dest.resolve("a/1/x"));
        write(dest, "a/2/extra", "not in the source");
        Files.setPosixFilePermissions(dest.resolve("a/3/y"), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(dest.resolve("b/1"), FileTime.fromMillis(OLD.toMillis() + 1));
        run(source, "mkfifo", "b/2/pipe");
        Files.createSymbolicLink(dest.resolve("b/3/escape"), Path.of("../../../outside"));
        for (Path root : List.of(source, dest)) {
            Files.createSymbolicLink(root.resolve("c/3/out"), Path.of("/etc/passwd"));
        }
        run(source, "sh", "-c", "touch \"$(printf 'c/1/caf\\351')\"");
        write(source, "c/2/notes.swp", "ignored by default");
        for (String changed : List.of("a/1", "a/2", "b/2", "b/3", "c/1", "c/2", "c/3")) {
            Files.setLastModifiedTime(source.resolve(changed), OLD);
            Files.setLastModifiedTime(dest.resolve(changed), OLD);
        }
        IgnoreRules rules = IgnoreSettings.DEFAULTS.rulesFor(source);
        CountingView there = new CountingView(new TreeReader(source, rules));
        CountingView here = new CountingView(new TreeReader(dest, rules));

        Findings digested = compare(digested(there), digested(here));

        assertThat(digested).isEqualTo(compare(new TreeReader(source, rules), new TreeReader(dest, rules)));
        assertThat(digested.lines).hasSize(6).contains("extra on dest: c/3/out");
        assertThat(digested.skipped).containsExactly("b/2/pipe", "c/1/caf\\xe9", "c/3/out");
        assertThat(there.listed()).doesNotContain("b/1", "c/2").contains("b/2", "c/1", "c/3");
    }

    @Test
    void aViewThatKnowsADirectoryOnlyByItsDigestNamesItInsteadOfComparingIt() throws IOException {
        write(dest, "c/2/z", "C2Z");
        DigestedTree described = DigestedTree.of(plain(dest));
        List<String> unlisted = new ArrayList<>();

        TreeComparison.Summary summary = TreeComparison.compare(DigestedTree.of(plain(source)),
                new Description(plain(dest).walk(true), described.digests(), Set.of("c/2")),
                new TreeComparison.Listener() {
                    @Override
                    public void difference(Difference difference) {
                        throw new AssertionError("nothing to compare in c/2 without its listing: " + difference);
                    }

                    @Override
                    public void unlisted(String directory, String side) {
                        unlisted.add(side + " " + directory);
                    }
                });

        assertThat(unlisted).containsExactly("dest c/2");
        assertThat(summary.unlisted()).isOne();
        assertThat(summary.equal()).isFalse();
    }

    @Test
    void aViewWhoseListingCarriesTheHashesIsNeverAskedToReadAFile() throws IOException {
        write(dest, "a/3/z", "A3Z");

        Findings findings = compare(new Description(plain(source).walk(true), Map.of(), Set.of()),
                new Description(plain(dest).walk(true), Map.of(), Set.of()));

        assertThat(findings).isEqualTo(compare(plain(source), plain(dest)));
        assertThat(findings.lines).singleElement().asString().endsWith("): a/3/z");
    }

    /** What a comparison found: the summary, each difference as a line, the skipped paths. */
    private record Findings(TreeComparison.Summary summary, List<String> lines, List<String> skipped) {
    }

    private static Findings compare(TreeView there, TreeView here) throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        TreeComparison.Summary summary = TreeComparison.compare(there, here, new TreeComparison.Listener() {
            @Override
            public void difference(Difference difference) {
                lines.add(difference.toString());
            }

            @Override
            public void skipped(String path, String reason) {
                skipped.add(path);
            }
        });
        return new Findings(summary, lines, skipped);
    }

    private static TreeReader plain(Path root) {
        return new TreeReader(root, IgnoreRules.NONE);
    }

    /** The view with its digests, the listings made to compute them not counted. */
    private static DigestedTree digested(CountingView tree) throws IOException {
        DigestedTree digested = DigestedTree.of(tree);
        tree.listed().clear();
        return digested;
    }

    /** A view that records the directories it is asked to list. */
    private record CountingView(TreeView tree, List<String> listed) implements TreeView {

        CountingView(TreeView tree) {
            this(tree, new ArrayList<>());
        }

        @Override
        public Listing list(String directory) throws IOException {
            listed.add(directory);
            return tree.list(directory);
        }

        @Override
        public String sha256(String path) throws IOException {
            return tree.sha256(path);
        }
    }

    /**
     * A tree as a description received over the wire gives it: every entry with its hash, some
     * directories known only by their digest. It never reads a file.
     */
    private record Description(SortedMap<String, TreeEntry> entries, Map<String, DirectoryDigest> digests,
                               Set<String> digestOnly) implements TreeView {

        @Override
        public Listing list(String directory) throws IOException {
            if (digestOnly.contains(directory)) {
                throw new UnlistedDirectoryException(directory);
            }
            SortedMap<String, TreeEntry> children = new TreeMap<>();
            entries.forEach((path, entry) -> {
                int slash = path.lastIndexOf('/');
                if ((slash < 0 ? "" : path.substring(0, slash)).equals(directory)) {
                    children.put(path.substring(slash + 1), entry);
                }
            });
            return new Listing(children, List.of());
        }

        @Override
        public String sha256(String path) {
            throw new AssertionError("the listing gave the hash of " + path);
        }

        @Override
        public DirectoryDigest digest(String directory) {
            return digests.get(directory);
        }
    }

    private static String abbreviated(String text) {
        return HashCacheTest.sha256(text).substring(0, 12) + "…";
    }

    /** Writes in place; every file has the same old modification time, so a copy's is the same. */
    private static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, OLD);
    }

    private static void run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }
}
