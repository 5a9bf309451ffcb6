package dev.ferry.producer.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InotifyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(200);

    @TempDir
    Path dir;

    /** Events until one about {@code name} with {@code flag} came, or {@link #WAIT} passed. */
    private static List<Inotify.Event> until(Inotify inotify, String name, int flag) throws IOException {
        List<Inotify.Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Inotify.Event event : inotify.await(Duration.ofMillis(100))) {
                seen.add(event);
                if (name.equals(event.name()) && event.is(flag)) {
                    return seen;
                }
            }
        }
        return seen;
    }

    @Test
    void aFileClosedAfterWritingIsReportedByName() throws IOException {
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.watch(dir, Inotify.IN_CLOSE_WRITE | Inotify.IN_ONLYDIR);
            try (OutputStream out = Files.newOutputStream(dir.resolve("naïve 📷.txt"))) {
                out.write("written".getBytes(StandardCharsets.UTF_8));
                assertThat(inotify.await(QUIET)).as("nothing before the close").isEmpty();
            }

            List<Inotify.Event> events = until(inotify, "naïve 📷.txt", Inotify.IN_CLOSE_WRITE);
            assertThat(events).last().satisfies(event -> {
                assertThat(event.wd()).isEqualTo(wd);
                assertThat(event.is(Inotify.IN_CLOSE_WRITE)).isTrue();
            });
        }
    }

    @Test
    void aFileOnlyReadOrRenamedIsNotReportedAsWritten() throws IOException {
        Files.writeString(dir.resolve("old.txt"), "before the watch");
        try (Inotify inotify = Inotify.open()) {
            inotify.watch(dir, Inotify.IN_CLOSE_WRITE);
            Files.readString(dir.resolve("old.txt"));
            Files.move(dir.resolve("old.txt"), dir.resolve("new.txt"));

            assertThat(inotify.await(QUIET)).isEmpty();
        }
    }

    @Test
    void aDirectoryNoLongerWatchedSaysSoOnce() throws IOException {
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.watch(dir, Inotify.IN_CLOSE_WRITE);
            inotify.unwatch(wd);
            List<Inotify.Event> events = inotify.await(WAIT);

            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.wd()).isEqualTo(wd);
                assertThat(event.is(Inotify.IN_IGNORED)).isTrue();
                assertThat(event.name()).isNull();
            });
            inotify.unwatch(wd); // gone already: no error
        }
    }

    @Test
    void whatCannotBeWatchedSaysWhyNamingThePath() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        try (Inotify inotify = Inotify.open()) {
            assertThatThrownBy(() -> inotify.watch(file, Inotify.IN_CLOSE_WRITE | Inotify.IN_ONLYDIR))
                    .isInstanceOf(IOException.class).hasMessage("cannot watch " + file + " with inotify: "
                            + "ENOTDIR (not a directory)");
            assertThatThrownBy(() -> inotify.watch(dir.resolve("missing"), Inotify.IN_CLOSE_WRITE))
                    .hasMessageContaining("ENOENT");
        }
    }

    @Test
    void eventsAreParsedAsTheKernelLaysThemOut() {
        // Two events as read(2) returns them: a padded name, then one about the directory itself.
        ByteBuffer bytes = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        bytes.putInt(3).putInt(Inotify.IN_CLOSE_WRITE).putInt(0).putInt(16).put("a.txt".getBytes(StandardCharsets.UTF_8))
                .put(new byte[11]);
        bytes.putInt(3).putInt(Inotify.IN_IGNORED).putInt(7).putInt(0);
        bytes.flip();

        assertThat(Inotify.parse(bytes)).containsExactly(new Inotify.Event(3, Inotify.IN_CLOSE_WRITE, 0, "a.txt"),
                new Inotify.Event(3, Inotify.IN_IGNORED, 7, null));
    }

    @Test
    void aNameNotValidInTheFileNameEncodingIsNoName() {
        // Latin-1 "caf\xe9": decoded with a replacement it would name "caf\uFFFD", another file.
        ByteBuffer bytes = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        bytes.putInt(3).putInt(Inotify.IN_CLOSE_WRITE).putInt(0).putInt(16).put(new byte[] {'c', 'a', 'f', (byte) 0xe9})
                .put(new byte[12]);
        bytes.flip();

        assertThat(Inotify.parse(bytes)).containsExactly(new Inotify.Event(3, Inotify.IN_CLOSE_WRITE, 0, null));
    }
}
