package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one line a change is logged as: kind and quoted path, whatever the path holds. */
class ChangeLogTest {

    private static final long SEQ = 1;
    private static final long MTIME = 1_700_000_000_000_000_000L;

    @Test
    void eachKindOfChangeIsOneLineWithItsKindAndQuotedPath() {
        assertThat(ChangeLog.line("applied", new ChangeEvent.PutFile(RelPath.of("docs/a b.txt"), SEQ, 0, 3, 3,
                "0".repeat(64), 0644, MTIME))).isEqualTo("applied put \"docs/a b.txt\" (3 bytes)");
        assertThat(ChangeLog.line("published", new ChangeEvent.PutDirectory(RelPath.of("docs"), SEQ, 0755, MTIME)))
                .isEqualTo("published directory \"docs\"");
        assertThat(ChangeLog.line("published", new ChangeEvent.PutSymlink(RelPath.of("link"), SEQ, "docs/a b.txt")))
                .isEqualTo("published symlink \"link\" -> \"docs/a b.txt\"");
        assertThat(ChangeLog.line("applied", new ChangeEvent.Delete(RelPath.of("old"), SEQ)))
                .isEqualTo("applied delete \"old\"");
        assertThat(ChangeLog.line("applied", new ChangeEvent.Rename(RelPath.of("a"), RelPath.of("b"), SEQ)))
                .isEqualTo("applied rename \"a\" -> \"b\"");
    }

    @Test
    void aPartOfAChangeIsNoLine() {
        ChangeEvent chunk = new ChangeEvent.FileChunk(RelPath.of("big"), SEQ, 0, 10);
        ChangeEvent abort = new ChangeEvent.Abort(RelPath.of("big"), SEQ);
        assertThat(ChangeLog.line("published", chunk)).isNull();
        assertThat(ChangeLog.isChange(chunk)).isFalse();
        assertThat(ChangeLog.isChange(abort)).isFalse();
    }

    @Test
    void aNameCannotForgeALineOrMoveTheQuotes() {
        String forged = "x\n12:00:00.000 INFO  Publisher - published delete \"important\"";
        String line = ChangeLog.line("published", new ChangeEvent.Delete(RelPath.of(forged), SEQ));
        assertThat(line).doesNotContain("\n", "\r")
                .isEqualTo("published delete \"x\\n12:00:00.000 INFO  Publisher - published delete \\\"important\\\"\"");
        String arrow = ChangeLog.line("applied", new ChangeEvent.Rename(RelPath.of("a\" -> \"b"), RelPath.of("c"), SEQ));
        assertThat(arrow).isEqualTo("applied rename \"a\\\" -> \\\"b\" -> \"c\"");
    }

    @Test
    void printableEscapesWhatATerminalWouldObey() {
        assertThat(Printable.escape("a\nb\tc\u001b[31m\r")).isEqualTo("a\\nb\\tc\\x1b[31m\\r");
        assertThat(Printable.escape("evil\u202egnp.exe")).isEqualTo("evil\\u{202e}gnp.exe");
        assertThat(Printable.escape("line\u2028break")).isEqualTo("line\\u{2028}break");
        assertThat(Printable.escape("\"quoted\" \\ as is")).isEqualTo("\"quoted\" \\ as is");
        assertThat(Printable.quote("\"q\" \\")).isEqualTo("\"\\\"q\\\" \\\\\"");
        assertThat(Printable.quote("ünïcødé ☃.txt")).isEqualTo("\"ünïcødé ☃.txt\"");
    }
}
