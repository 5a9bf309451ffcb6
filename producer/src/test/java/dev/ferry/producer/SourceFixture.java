package dev.ferry.producer;

import dev.ferry.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A source tree to publish, written by the test, and the settings to publish it with. */
final class SourceFixture {

    /** Ahead of the file system by an hour, so every file written by a test has settled already. */
    static final Clock SETTLED_CLOCK = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    static final int CHUNK = 1024;

    final Path source;
    final Path state;

    SourceFixture(Path tempDir) {
        try {
            this.source = Files.createDirectories(tempDir.resolve("src"));
            this.state = tempDir.resolve("state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ProducerSettings settings() {
        return settings(Duration.ofMillis(50), 256);
    }

    ProducerSettings settings(Duration quietPeriod, int batchMessages) {
        return new ProducerSettings(source, state, "ferry.changes", quietPeriod, CHUNK, batchMessages, 8L << 20);
    }

    Path path(String relative) {
        return source.resolve(relative);
    }

    Path write(String relative, String content) {
        return write(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String relative, byte[] content) {
        try {
            Path file = path(relative);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path mkdirs(String relative) {
        try {
            return Files.createDirectories(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path symlink(String relative, String target) {
        try {
            return Files.createSymbolicLink(path(relative), Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void move(String from, String to) {
        try {
            Files.move(path(from), path(to), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(String relative) {
        try (Stream<Path> paths = Files.walk(path(relative))) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void setModified(String relative, Instant when) {
        try {
            Files.setLastModifiedTime(path(relative), FileTime.from(when));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the index in the state directory as a producer of before wrote it: the same entries, without hashes. */
    void forgetHashes() {
        Map<String, Entry> files = new TreeMap<>();
        try (Journal journal = Journal.open(state.resolve("index.journal"), (path, value) -> {
            if (path.charAt(0) != '\0') { // Not the stream's position.
                Entry entry = value == null ? null : Entry.decode(value);
                files.put(path, entry != null && entry.isFile() ? entry : null);
            }
        })) {
            files.forEach((path, entry) -> {
                if (entry != null) {
                    journal.put(path, entry.withSha256(null).encode());
                }
            });
            journal.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + i / 7);
        }
        return data;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
