package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.appendText;
import static dev.ferry.tests.TestTrees.deleteTree;
import static dev.ferry.tests.TestTrees.directory;
import static dev.ferry.tests.TestTrees.mode;
import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With broker, consumer and producer running and the mirror converged, every kind of change to the
 * source reaches the mirror while everything keeps running.
 */
@Timeout(value = 4, unit = MINUTES)
class LiveChangesTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration ONE_CHANGE = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path destination;
    private FerryProcess[] running;

    @BeforeEach
    void aConvergedMirror() {
        source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        running = new FerryProcess[] {ferry.broker(), ferry.consumer(destination), ferry.producer(source)};
        Convergence.await(source, destination, INITIAL_SYNC, running);
    }

    @Test
    void everyKindOfChangeReachesTheMirror() throws IOException {
        change("create files", () -> {
            writeText(source.resolve("new.txt"), "fresh\n");
            writeText(source.resolve("docs/another.txt"), text("another", 3000));
        });
        change("modify a file in place, keeping its size", () -> {
            String readme = Files.readString(source.resolve("docs/readme.txt"));
            writeText(source.resolve("docs/readme.txt"), readme.toUpperCase());
            assertThat(Files.size(source.resolve("docs/readme.txt"))).isEqualTo(readme.length());
        });
        change("append to a file", () -> appendText(source.resolve("name with spaces.txt"), "one more line\n"));
        change("delete a file", () -> Files.delete(source.resolve("zero.bin")));
        change("delete a whole tree", () -> deleteTree(source.resolve("docs/guide")));
        change("rename a file", () -> move("old.txt", "older.txt"));
        change("move a file into another directory", () -> move("secret.txt", "bin/secret.txt"));
        change("rename a directory with content", () -> move("data", "data renamed"));
        change("create a nested directory with files", () -> {
            writeText(source.resolve("new dir/a/b/c/deep.txt"), text("deep", 1500));
            writeText(source.resolve("new dir/a/shallow.txt"), "shallow\n");
        });
        change("chmod a file", () -> mode(source.resolve("bin/run.sh"), "rwx------"));
        change("create an empty directory", () -> directory(source.resolve("empty too")));
    }

    /** Applies {@code change} to the source and waits for the mirror to catch up. */
    private void change(String description, Change change) throws IOException {
        change.apply();
        try {
            Convergence.await(source, destination, ONE_CHANGE, running);
        } catch (AssertionError e) {
            throw new AssertionError("after the change '" + description + "': " + e.getMessage(), e);
        }
    }

    private void move(String from, String to) throws IOException {
        Files.move(source.resolve(from), source.resolve(to), StandardCopyOption.ATOMIC_MOVE);
    }

    @FunctionalInterface
    private interface Change {
        void apply() throws IOException;
    }
}
