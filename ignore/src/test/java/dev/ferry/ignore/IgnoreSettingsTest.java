package dev.ferry.ignore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a tree with or without a .ferryignore, the rules come from the defaults, the file and --exclude, in that order. */
class IgnoreSettingsTest {

    @TempDir
    Path root;

    @Test
    void withoutAFileTheDefaultsIgnoreEditorAndSystemDroppings() throws IOException {
        IgnoreRules rules = IgnoreSettings.DEFAULTS.rulesFor(root);

        assertThat(rules.isIgnored("notes/.todo.txt.swp", false)).isTrue();
        assertThat(rules.isIgnored("photos/.DS_Store", false)).isTrue();
        assertThat(rules.isIgnored("notes/todo.txt", false)).isFalse();
        assertThat(rules.isIgnored(IgnoreSettings.FILE_NAME, false)).isFalse();
    }

    @Test
    void theDefaultsCanBeTurnedOff() throws IOException {
        IgnoreRules rules = new IgnoreSettings(false, List.of()).rulesFor(root);

        assertThat(rules.isEmpty()).isTrue();
        assertThat(rules.isIgnored("a.swp", false)).isFalse();
    }

    @Test
    void theFileOverridesTheDefaultsAndExcludesOverrideTheFile() throws IOException {
        Files.writeString(root.resolve(".ferryignore"), "# build output\nbuild/\n!keep.tmp\n*.log\n");
        IgnoreRules rules = new IgnoreSettings(true, List.of("!important.log", "secrets/")).rulesFor(root);

        assertThat(rules.isIgnored("build/classes/A.class", false)).isTrue();
        assertThat(rules.isIgnored("other.tmp", false)).isTrue();
        assertThat(rules.isIgnored("keep.tmp", false)).isFalse();
        assertThat(rules.isIgnored("debug.log", false)).isTrue();
        assertThat(rules.isIgnored("important.log", false)).isFalse();
        assertThat(rules.isIgnored("secrets", true)).isTrue();
    }

    @Test
    void aWalkAsksOnlyAboutTheEntryItself() {
        IgnoreRules rules = IgnoreRules.of(List.of(new IgnoreRules.Source("test", List.of("build/"))));

        assertThat(rules.isIgnored("build/out.txt", false)).isTrue();
        assertThat(rules.isIgnoredEntry("build/out.txt", false)).isFalse();
        assertThat(rules.isIgnoredEntry("build", true)).isTrue();
    }

    @Test
    void aSymlinkNamedLikeTheFileIsNotRead() throws IOException {
        Files.writeString(root.resolve("rules"), "*\n");
        Files.createSymbolicLink(root.resolve(".ferryignore"), Path.of("rules"));

        IgnoreRules rules = new IgnoreSettings(false, List.of()).rulesFor(root);

        assertThat(rules.isIgnored("anything", false)).isFalse();
    }

    @Test
    void windowsLineEndingsAreLineEndings() throws IOException {
        Files.writeString(root.resolve(".ferryignore"), "*.bak\r\nbin/\r\n");

        IgnoreRules rules = new IgnoreSettings(false, List.of()).rulesFor(root);

        assertThat(rules.isIgnored("a.bak", false)).isTrue();
        assertThat(rules.isIgnored("bin", true)).isTrue();
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorNamingIt() throws IOException {
        Files.write(root.resolve(".ferryignore"), new byte[] {'a', (byte) 0xff, '\n'});

        assertThatThrownBy(() -> IgnoreSettings.DEFAULTS.rulesFor(root))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(".ferryignore").hasMessageContaining("not UTF-8");
    }

    @Test
    void anExcludeIsOneLine() {
        assertThatThrownBy(() -> new IgnoreSettings(true, List.of("a\nb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one --exclude per pattern");
    }
}
