package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.ignore.IgnoreSettings;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the walk that registers a new directory's subtree with the watcher, when a directory goes
 * away between being listed and being registered (renamed or deleted by the writer meanwhile),
 * then the walk goes on with the rest: one vanished directory must not leave its siblings unwatched.
 */
class IgnoringTreeVisitorTest {

    @TempDir
    Path temp;

    @Test
    void aDirectoryGoneBeforeItsRegistrationDoesNotEndTheWalk() throws IOException {
        SourceFixture tree = new SourceFixture(temp);
        for (String name : List.of("a", "b", "c")) {
            tree.write("top/" + name + "/deeper/file.txt", name);
        }
        Path top = tree.path("top");
        List<Path> registered = new ArrayList<>();

        visitor(tree).recursiveVisitFiles(top, dir -> {
            if (dir.getFileName().toString().equals("b")) {
                // What the JDK's WatchService says when the directory is no longer there.
                throw new NoSuchFileException(dir.toString());
            }
            if (dir.getFileName().toString().equals("c")) {
                throw new NotDirectoryException(dir.toString()); // Replaced by a file meanwhile.
            }
            registered.add(dir);
        }, file -> { });

        assertThat(registered).containsExactlyInAnyOrder(top, top.resolve("a"), top.resolve("a/deeper"));
    }

    @Test
    void anyOtherFailureToRegisterStillEndsTheWalk() {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("top/a/file.txt", "a");
        // The watch limit reached, for one: the producer must hear of it, not walk on blind.
        assertThatThrownBy(() -> visitor(tree).recursiveVisitFiles(tree.path("top"), dir -> {
            throw new IOException("User limit of inotify watches reached");
        }, file -> { })).hasMessageContaining("inotify watches");
    }

    private static IgnoringTreeVisitor visitor(SourceFixture tree) throws IOException {
        return new IgnoringTreeVisitor(new SourceTree(tree.source),
                SourceIgnores.load(tree.source, IgnoreSettings.DEFAULTS));
    }
}
