package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RelPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c.txt", "-rf", "name with spaces", "ünïcødé ☃.txt", "...", "..a", "a..",
            ".hidden", "sub/.ferry", "back\\slash"})
    void acceptsNamesThatStayInside(String text) {
        assertThat(RelPath.of(text).text()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "..", "../x", "a/../../x", "a/./b", "a//b", "a/", ".ferry",
            ".ferry/ledger.journal", "nul\0byte"})
    void rejectsAnythingThatCouldLeaveTheRoot(String text) {
        assertThatThrownBy(() -> RelPath.of(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsTextThatCannotBeAFileName() {
        // Found by HostileDecodingTest (consumer): {"kind":"file","path":"\ud800",...} decoded, then
        // every file operation threw InvalidPathException and the consumer retried it ten times.
        assertThatThrownBy(() -> RelPath.of("\uD800")).hasMessageContaining("not valid Unicode");
        assertThatThrownBy(() -> RelPath.of("a/x\uDC00")).hasMessageContaining("not valid Unicode");
        assertThat(RelPath.of("smile \uD83D\uDE42").text()).as("a surrogate pair is fine").endsWith("\uDE42");
    }

    @Test
    void rejectsOverlongPathsAndSegments() {
        assertThatThrownBy(() -> RelPath.of("x".repeat(256))).hasMessageContaining("segment longer");
        assertThatThrownBy(() -> RelPath.of(("d".repeat(100) + "/").repeat(41) + "f"))
                .hasMessageContaining("longer than 4096");
    }

    @Test
    void resolvesUnderTheRootAndNavigates(@org.junit.jupiter.api.io.TempDir Path root) {
        RelPath path = RelPath.of("a/b/c");

        assertThat(path.resolveUnder(root)).isEqualTo(root.resolve("a").resolve("b").resolve("c"));
        assertThat(path.parent()).isEqualTo(RelPath.of("a/b"));
        assertThat(RelPath.of("a").parent()).isNull();
        assertThat(path.topLevel()).isEqualTo("a");
        assertThat(path.name()).isEqualTo("c");
        assertThat(RelPath.of("a").contains(path)).isTrue();
        assertThat(RelPath.of("a/b/c2").contains(path)).isFalse();
        assertThat(RelPath.of("a/b").rebase(path, RelPath.of("z"))).isEqualTo(RelPath.of("z/c"));
        assertThat(RelPath.between(root, root.resolve("x").resolve("y"))).isEqualTo(RelPath.of("x/y"));
    }

    @Test
    void childAcceptsAndRejectsExactlyWhatOfDoes() {
        // child() skips re-checking its parent; it must still agree with of() on every name.
        String[] pieces = {"a", "é", "☃", "😀", "\uD800", "\uDC00", ".", "..", "/", "\0", " ", "x".repeat(60), "é".repeat(40)};
        String[] parents = {"p", "q/r", ("d".repeat(100) + "/").repeat(40) + "e".repeat(40)};
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = random.nextInt(6); n >= 0; n--) {
                name.append(pieces[random.nextInt(pieces.length)]);
            }
            RelPath parent = RelPath.of(parents[random.nextInt(parents.length)]);
            String expected;
            try {
                expected = RelPath.of(parent.text() + "/" + name).text();
            } catch (IllegalArgumentException e) {
                expected = "rejected: " + e.getMessage();
            }
            String actual;
            try {
                actual = parent.child(name.toString()).text();
            } catch (IllegalArgumentException e) {
                actual = "rejected: " + e.getMessage();
            }
            assertThat(actual).as("child %s of %s", name, parent).isEqualTo(expected);
        }
    }
}
