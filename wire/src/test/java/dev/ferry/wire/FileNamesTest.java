package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {

    @TempDir
    Path root;

    /** Makes entries whose names are the bytes {@code printf} makes of each octal-escaped argument. */
    private void make(String command) throws IOException, InterruptedException {
        Process made = new ProcessBuilder("sh", "-c", command).directory(root.toFile()).inheritIO().start();
        assertThat(made.waitFor()).isZero();
    }

    /** Each entry of {@code directory} as {@link FileNames#rawPath} shows it, with whether it reads faithfully. */
    private Map<String, Boolean> listed(Path directory) throws IOException {
        Map<String, Boolean> shown = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                shown.put(FileNames.rawPath(root, entry), FileNames.readsFaithfully(entry));
            }
        }
        return shown;
    }

    @Test
    void aNameThatIsNotUtf8IsShownByItsBytesAndDoesNotReadFaithfully() throws Exception {
        make("mkdir \"$(printf 'd\\377ir')\" && touch \"$(printf 'd\\377ir/caf\\351.txt')\" "
                + "\"$(printf 'caf\\303\\251 %%41\\\\.txt')\" \"$(printf 'emoji-\\360\\237\\230\\200')\" plain");

        assertThat(listed(root)).containsOnly(
                Map.entry("d\\xffir", false),
                Map.entry("caf\u00e9 %41\\\\.txt", true),
                Map.entry("emoji-\uD83D\uDE00", true),
                Map.entry("plain", true));
        assertThat(listed(firstNamed("d"))).containsOnly(Map.entry("d\\xffir/caf\\xe9.txt", false));
    }

    @Test
    void aControlCharacterThatIsValidUtf8NeverReadsLikeAByteThatIsNot() throws Exception {
        // U+0085 (NEL) is valid UTF-8 as C2 85; the lone byte 85 is not.
        make("touch \"$(printf 'a\\302\\205\\377')\" \"$(printf 'b\\205\\377')\" 'say \"hi\"'");

        assertThat(listed(root)).containsOnly(Map.entry("a\\u{0085}\\xff", false), Map.entry("b\\x85\\xff", false),
                Map.entry("say \\\"hi\\\"", true));
    }

    @Test
    void aLinkTargetThatIsNotUtf8DoesNotReadFaithfullyAndIsShownByItsBytes() throws Exception {
        make("ln -s \"$(printf 'caf\\351/x')\" latin1 && ln -s 'caf\u00e9/x' utf8");

        Path latin1 = Files.readSymbolicLink(root.resolve("latin1"));
        Path utf8 = Files.readSymbolicLink(root.resolve("utf8"));

        assertThat(FileNames.targetReadsFaithfully(latin1)).isFalse();
        assertThat(FileNames.raw(latin1)).isEqualTo("caf\\xe9/x");
        assertThat(FileNames.targetReadsFaithfully(utf8)).isTrue();
        assertThat(FileNames.raw(utf8)).isEqualTo("caf\u00e9/x");
    }

    @Test
    void aNameWithALineBreakCannotForgeALine() throws Exception {
        make("touch \"$(printf 'two\\nlines\\351')\"");

        assertThat(listed(root)).containsOnly(Map.entry("two\\nlines\\xe9", false));
    }

    /** The entry as listed, which keeps its bytes: its name as text would lead elsewhere. */
    private Path firstNamed(String prefix) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, prefix + "*")) {
            return entries.iterator().next();
        }
    }
}
