package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.wire.RelPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A survey reads directories ahead of its comparison on other threads: whatever order they come
 * back in, it must see every entry of a tree far wider and deeper than its read-ahead, once.
 */
class TreeSurveyTest {

    @TempDir
    Path source;

    @TempDir
    Path state;

    @Test
    void seesEveryEntryOfAWideDeepTreeThenNothingOnceIndexedThenExactlyWhatWasRemoved() throws Exception {
        TreeSet<String> made = new TreeSet<>();
        makeTree(source, "", 3, made); // 4 + 16 + 64 directories, 3 files in each
        // Old times, so that removing an entry changes its directory's time even where times are in whole seconds.
        try (var paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(946_684_800_000L));
            }
        }
        Path root = source.toRealPath();
        SourceTree tree = new SourceTree(root);
        try (SourceIndex index = SourceIndex.open(state)) {
            TreeSurvey survey = new TreeSurvey(tree, index, SourceIgnores.load(root, IgnoreSettings.DEFAULTS), () -> { });

            TreeSurvey.Differences first = survey.survey(List.of(Scope.WHOLE_TREE));
            assertThat(texts(first.changed())).isEqualTo(made);
            assertThat(first.missing()).isEmpty();

            first.changed().forEach(index::put);
            index.commit();
            TreeSurvey.Differences second = survey.survey(List.of(Scope.WHOLE_TREE));
            assertThat(second.changed()).isEmpty();
            assertThat(second.missing()).isEmpty();

            deleteTree(source.resolve("d2/d1"));
            Files.delete(source.resolve("d3/d3/d0/f2"));
            TreeSurvey.Differences third = survey.survey(List.of(Scope.WHOLE_TREE));
            assertThat(third.missing()).extracting(RelPath::text).containsExactlyInAnyOrder("d2/d1", "d3/d3/d0/f2");
            // Only the two directories whose entries went changed (their modification times).
            assertThat(texts(third.changed())).containsExactlyInAnyOrder("d2", "d3/d3/d0");
        }
    }

    private static void makeTree(Path dir, String prefix, int depth, TreeSet<String> made) throws Exception {
        for (int f = 0; f < 3; f++) {
            Files.writeString(dir.resolve("f" + f), prefix + f);
            made.add(prefix + "f" + f);
        }
        if (depth == 0) {
            return;
        }
        for (int d = 0; d < 4; d++) {
            Path sub = Files.createDirectory(dir.resolve("d" + d));
            made.add(prefix + "d" + d);
            makeTree(sub, prefix + "d" + d + "/", depth - 1, made);
        }
    }

    private static TreeSet<String> texts(Map<RelPath, Entry> entries) {
        TreeSet<String> texts = new TreeSet<>();
        entries.keySet().forEach(path -> texts.add(path.text()));
        return texts;
    }

    private static void deleteTree(Path top) throws Exception {
        try (var paths = Files.walk(top)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
