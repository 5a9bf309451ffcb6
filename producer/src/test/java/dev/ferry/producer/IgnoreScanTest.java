package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.ignore.IgnoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a source with ignore rules (defaults, .ferryignore, --exclude), when it is scanned, then
 * what the rules ignore is neither published nor, once published, deleted.
 */
class IgnoreScanTest {

    @TempDir
    Path temp;

    SourceFixture tree;
    IgnoreSettings ignore = new IgnoreSettings(true, List.of("*.log", "!keep.log"));

    @BeforeEach
    void aTreeWithDroppings() {
        tree = new SourceFixture(temp);
        tree.write(".ferryignore", "build/\n!build/keep.txt\nsecret.txt\n");
        tree.write("notes.txt", "kept");
        tree.write(".notes.txt.swp", "vim's swap file");
        tree.write("notes.txt~", "a backup");
        tree.write(".#notes.txt", "an Emacs lock");
        tree.write("4913", "vim's writability test");
        tree.write(".DS_Store", "macOS");
        tree.write("download.tmp", "half a download");
        tree.write("build/out.o", "object code");
        tree.write("build/keep.txt", "inside an ignored directory: cannot be brought back");
        tree.write("secret.txt", "from .ferryignore");
        tree.write("debug.log", "from --exclude");
        tree.write("keep.log", "brought back by --exclude '!keep.log'");
    }

    @Test
    void ignoredFilesAndDirectoriesAreNotPublishedAndTheRulesFileIs() throws Exception {
        assertThat(publish()).containsExactly("put .ferryignore", "put keep.log", "put notes.txt");
    }

    @Test
    void withoutTheDefaultsOnlyTheFileAndExcludesIgnore() throws Exception {
        ignore = new IgnoreSettings(false, List.of());

        assertThat(publish()).containsExactlyInAnyOrder("put .#notes.txt", "put .DS_Store", "put .ferryignore",
                "put .notes.txt.swp", "put 4913", "put debug.log", "put download.tmp", "put keep.log",
                "put notes.txt", "put notes.txt~");
    }

    @Test
    void aPublishedFileThatBecomesIgnoredIsNeitherUpdatedNorDeleted() throws Exception {
        tree.write("later.dat", "published");
        tree.write("olddir/a.dat", "published");
        publish();

        tree.write(".ferryignore", "build/\n!build/keep.txt\nsecret.txt\n*.dat\nolddir/\n");
        tree.write("later.dat", "changed after it became ignored");
        tree.write("olddir/a.dat", "changed too");
        tree.write("olddir/b.dat", "new in an ignored directory");
        assertThat(publish()).containsExactly("put .ferryignore");

        tree.delete("later.dat");
        tree.delete("olddir");
        assertThat(publish()).isEmpty();
    }

    @Test
    void whatIsNoLongerIgnoredIsPublished() throws Exception {
        publish();

        tree.write(".ferryignore", "");

        assertThat(publish()).containsExactly("put .ferryignore", "put build/keep.txt", "put build/out.o",
                "dir build", "put secret.txt");
    }

    @Test
    void aFileRenamedToAnIgnoredNameIsDeletedAndOneRenamedFromAnIgnoredNameIsSent() throws Exception {
        publish();

        tree.move("notes.txt", "notes.txt~");
        tree.move("download.tmp", "download.dat");

        assertThat(publish()).containsExactly("put download.dat", "delete notes.txt");
    }

    @Test
    void aPublishedFileRenamedAfterItBecameIgnoredIsSentNotRenamed() throws Exception {
        tree.write("old.dat", "published, then ignored");
        publish();
        tree.write(".ferryignore", "old.dat\n");
        publish();

        tree.move("old.dat", "new.dat");

        // A rename would take old.dat away from the replica, where it is left alone now.
        assertThat(publish()).containsExactly("put new.dat");
    }

    @Test
    void anUnreadableRulesFileStopsTheProducerFromStarting() throws IOException {
        Files.write(tree.path(".ferryignore"), new byte[] {(byte) 0xff, '\n'});

        assertThatThrownBy(this::publish)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(".ferryignore");
    }

    private List<String> publish() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (Producer producer = Producer.open(tree.settings().withIgnore(ignore), sink, SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        assertThat(sink.sent()).isEqualTo(sink.committed());
        return sink.committedChanges();
    }
}
