package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both kinds of source directory name entries by their name and never follow a link; one held by
 * a handle also stays what it was when its path is swapped for a link to somewhere else.
 */
class SourceDirectoryTest {

    @TempDir
    Path temp;

    interface Opener {
        SourceDirectory open(Path directory) throws IOException;
    }

    static Stream<Opener> kinds() {
        return Stream.of(SourceDirectoryTest::handle, PathDirectory::new);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void entriesAreListedLookedAtAndReadByNameWithoutFollowingALink(Opener kind) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("src/dir"));
        Files.writeString(dir.resolve("file.txt"), "inside");
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file.txt"));
        Files.createSymbolicLink(dir.resolve("link-to-dir"), Path.of("sub"));

        try (SourceDirectory directory = kind.open(dir)) {
            List<String> names = new ArrayList<>();
            directory.entries().forEach(entry -> names.add(entry.getFileName().toString()));
            assertThat(names).containsExactlyInAnyOrder("file.txt", "sub", "link", "link-to-dir");
            assertThat(directory.lstat(name("link")).isSymbolicLink()).isTrue();
            assertThat(directory.readLink(name("link"))).isEqualTo(Path.of("file.txt"));
            assertThat(read(directory, "file.txt")).isEqualTo("inside");
            assertThatThrownBy(() -> directory.open(name("link"))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> directory.child(name("link-to-dir"))).isInstanceOf(NotDirectoryException.class);
            try (SourceDirectory sub = directory.child(name("sub"))) {
                assertThat(sub.path()).isEqualTo(dir.resolve("sub"));
            }
        }
    }

    @Test
    void aDirectoryHeldByAHandleIsStillTheRealOneAfterItsPathIsSwappedForALink() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("src/dir"));
        Files.writeString(dir.resolve("data"), "inside");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("inside-target"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("data"), "SECRET");
        Files.createSymbolicLink(outside.resolve("link"), Path.of("SECRET-target"));

        try (SourceDirectory directory = handle(dir)) {
            Files.move(dir, temp.resolve("aside"));
            Files.createSymbolicLink(dir, outside);

            assertThat(read(directory, "data")).isEqualTo("inside");
            assertThat(directory.lstat(name("data")).size()).isEqualTo("inside".length());
            assertThat(directory.readLink(name("link"))).isEqualTo(Path.of("inside-target"));
        }
    }

    @Test
    void linkTargetsAreReadRelativeToTheHandleNotByPath() {
        assertThat(HandleDirectory.whyLinksAreReadByPath())
                .as("surefire, like the jar's manifest, opens java.base/sun.nio.fs to Ferry").isNull();
    }

    @SuppressWarnings("unchecked")
    private static SourceDirectory handle(Path directory) throws IOException {
        return new HandleDirectory(directory, (SecureDirectoryStream<Path>) Files.newDirectoryStream(directory));
    }

    private static Path name(String name) {
        return Path.of(name);
    }

    private static String read(SourceDirectory directory, String name) throws IOException {
        try (SeekableByteChannel channel = directory.open(name(name))) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (channel.read(buffer) > 0) {
                // Until the end: the files here are smaller than the buffer.
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
