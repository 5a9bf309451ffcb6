package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.journal.Journal;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index remembers what was published, across restarts, and only what was committed. */
class SourceIndexTest {

    @TempDir
    Path state;

    @Test
    void committedEntriesSurviveAReopenAndUncommittedOnesDoNot() throws Exception {
        try (SourceIndex index = SourceIndex.open(state)) {
            index.put(path("a.txt"), Entry.file(3, 1_000, 0644, FileKey.of("(dev=1,ino=10)")));
            index.put(path("l"), Entry.symlink("a.txt", FileKey.of("(dev=1,ino=11)")));
            index.commit();
            index.put(path("uncommitted.txt"), Entry.file(1, 2_000, 0600, FileKey.of("(dev=1,ino=12)")));
        }

        try (SourceIndex index = SourceIndex.open(state)) {
            assertThat(index.get(path("a.txt"))).isEqualTo(Entry.file(3, 1_000, 0644, FileKey.of("(dev=1,ino=10)")));
            assertThat(index.get(path("l"))).isEqualTo(Entry.symlink("a.txt", FileKey.of("(dev=1,ino=11)")));
            assertThat(index.get(path("uncommitted.txt"))).isNull();
            assertThat(index.pathWithFileKey(FileKey.of("(dev=1,ino=10)"))).isEqualTo(path("a.txt"));
        }
    }

    @Test
    void aRollbackReturnsToTheLastCommit() throws Exception {
        try (SourceIndex index = SourceIndex.open(state)) {
            index.put(path("a.txt"), Entry.file(3, 1_000, 0644, FileKey.of("k1")));
            index.commit();
            index.removeTree(path("a.txt"));
            index.put(path("b.txt"), Entry.file(3, 1_000, 0644, FileKey.of("k2")));

            index.rollback();

            assertThat(index.get(path("a.txt"))).isNotNull();
            assertThat(index.get(path("b.txt"))).isNull();
            assertThat(index.pathWithFileKey(FileKey.of("k2"))).isNull();
        }
    }

    @Test
    void aRenameMovesTheWholeSubtreeAndReplacesTheTarget() throws Exception {
        try (SourceIndex index = SourceIndex.open(state)) {
            index.put(path("d"), Entry.directory(1, 0755, FileKey.of("kd")));
            index.put(path("d/x"), Entry.file(1, 1, 0644, FileKey.of("kx")));
            index.put(path("d/sub/y"), Entry.file(1, 1, 0644, FileKey.of("ky")));
            index.put(path("d-sibling"), Entry.file(1, 1, 0644, FileKey.of("ks")));
            index.put(path("e/old"), Entry.file(1, 1, 0644, FileKey.of("ko")));

            index.rename(path("d"), path("e"));

            assertThat(index.get(path("e/x"))).isNotNull();
            assertThat(index.get(path("e/sub/y"))).isNotNull();
            assertThat(index.get(path("e/old"))).isNull();
            assertThat(index.holdsTree(path("d"))).isFalse();
            assertThat(index.get(path("d-sibling"))).isNotNull();
            assertThat(index.pathWithFileKey(FileKey.of("ky"))).isEqualTo(path("e/sub/y"));
            assertThat(index.pathWithFileKey(FileKey.of("ko"))).isNull();
        }
    }

    @Test
    void childrenAreTheNamesDirectlyInADirectory() throws Exception {
        try (SourceIndex index = SourceIndex.open(state)) {
            index.put(path("a"), Entry.directory(1, 0755, null));
            index.put(path("a/b"), Entry.file(1, 1, 0644, null));
            index.put(path("a/c/d"), Entry.file(1, 1, 0644, null)); // a/c itself is not (yet) indexed.
            index.put(path("a/c/e"), Entry.file(1, 1, 0644, null));
            index.put(path("a-z"), Entry.file(1, 1, 0644, null));

            assertThat(index.children(null)).containsExactly(path("a"), path("a-z"));
            assertThat(index.children(path("a"))).containsExactly(path("a/b"), path("a/c"));
            assertThat(index.holdsTree(path("a/c"))).isTrue();
        }
    }

    @Test
    void aSecondProducerOnTheSameStateDirectoryIsRefused() throws Exception {
        try (SourceIndex first = SourceIndex.open(state)) {
            assertThat(first.size()).isZero();
            assertThatThrownBy(() -> SourceIndex.open(state)).isInstanceOf(IOException.class)
                    .hasMessageContaining(state.toString()).hasMessageContaining("in use");
        }
    }

    @Test
    void aFileKeepsTheHashOfItsContentAcrossARestartAndOneLearnedLaterIsKeptToo() throws Exception {
        Sha256 published = Sha256.of("ab".repeat(32));
        Sha256 learned = Sha256.of("cd".repeat(32));
        try (SourceIndex index = SourceIndex.open(state)) {
            index.put(path("a.txt"), Entry.file(3, 1_000, 0644, FileKey.of("k1")).withSha256(published));
            index.put(path("b.txt"), Entry.file(4, 1_000, 0644, FileKey.of("k2")));
            index.commit();
            index.learnHash(path("b.txt"), learned);
            index.commit();
        }

        try (SourceIndex index = SourceIndex.open(state)) {
            assertThat(index.get(path("a.txt")).sha256()).isEqualTo(published);
            assertThat(index.get(path("b.txt")).sha256()).isEqualTo(learned);
        }
    }

    @Test
    void anIndexWrittenBeforeHashesWereKeptLoadsWithTheirHashesUnknown() throws Exception {
        // What a producer of before wrote: six fields, no hash.
        try (Journal old = Journal.open(state.resolve("index.journal"), (path, value) -> { })) {
            old.put("a.txt", String.join("\0", "FILE", "3", "1000", "420", "(dev=1,ino=10)", ""));
            old.put("d", String.join("\0", "DIRECTORY", "0", "2000", "493", "", ""));
            old.commit();
        }

        try (SourceIndex index = SourceIndex.open(state)) {
            assertThat(index.get(path("a.txt"))).isEqualTo(Entry.file(3, 1_000, 0644, FileKey.of("(dev=1,ino=10)")));
            assertThat(index.get(path("a.txt")).sha256()).isNull();
            assertThat(index.get(path("d"))).isEqualTo(Entry.directory(2_000, 0755, null));
            assertThat(index.stream().committed()).as("a new stream").isZero();
        }
    }

    @Test
    void theStreamKeepsItsIdAndTheNumberOfItsLastCommittedMessage() throws Exception {
        String id;
        try (SourceIndex index = SourceIndex.open(state)) {
            id = index.stream().id();
            index.stream().next();
            index.stream().next();
            index.commit();
            index.stream().next();
            index.rollback();
            assertThat(index.stream().committed()).isEqualTo(2);
            assertThat(index.stream().next()).as("the number of a lost message is given again").isEqualTo(3);
        }

        try (SourceIndex index = SourceIndex.open(state)) {
            assertThat(index.stream().id()).isEqualTo(id);
            assertThat(index.stream().next()).isEqualTo(3);
        }
        try (SourceIndex lost = SourceIndex.open(state.resolve("elsewhere"))) {
            assertThat(lost.stream().id()).as("a lost state is a new stream").isNotEqualTo(id);
            assertThat(lost.stream().next()).isEqualTo(1);
        }
    }

    private static RelPath path(String text) {
        return RelPath.of(text);
    }
}
