package dev.ferry.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;

/** Source trees for the tests to replicate, built from seeds so every run sees the same bytes. */
final class TestTrees {

    static final String UNICODE_NAME = "ünïcødé ☃.txt";
    /**
     * A name outside Unicode's Basic Multilingual Plane (an emoji, a CJK Extension B ideograph),
     * which the broker's string coder once corrupted between processes while the in-JVM broker hid it.
     */
    static final String ASTRAL_NAME = "photo \uD83D\uDE00 \uD840\uDC0B.txt";
    static final String DASH_NAME = "-rf";
    static final long BLOB_SIZE = 3L * 1024 * 1024;

    private TestTrees() {
    }

    /**
     * A tree with one of everything Ferry must carry: nested and empty directories, an empty file,
     * text files of a few KB, a 3 MB binary, names with spaces, non-ASCII characters and a leading
     * dash, files with modes 0600 and 0755, a file with an old modification time and an in-tree
     * relative symbolic link.
     */
    static Path mixed(Path root) {
        writeText(root.resolve("docs/readme.txt"), text("readme", 4 * 1024));
        writeText(root.resolve("docs/guide/chapter 1.txt"), text("chapter one", 2 * 1024));
        writeText(root.resolve("docs/guide/deeper/deepest/note.md"), "# A note, four levels down\n");
        directory(root.resolve("docs/guide/empty inside"));
        directory(root.resolve("empty"));
        writeText(root.resolve("zero.bin"), "");
        writeRandom(root.resolve("data/blob.bin"), BLOB_SIZE, 42);
        writeRandom(root.resolve("data/small.bin"), 5 * 1024, 7);
        writeText(root.resolve("name with spaces.txt"), "spaces are fine\n");
        writeText(root.resolve(UNICODE_NAME), "snowman ☃\n");
        writeText(root.resolve(ASTRAL_NAME), "grinning \uD83D\uDE00\n");
        writeText(root.resolve(DASH_NAME), "not an option\n");
        writeText(root.resolve("secret.txt"), "for the owner's eyes only\n");
        mode(root.resolve("secret.txt"), "rw-------");
        writeText(root.resolve("bin/run.sh"), "#!/bin/sh\necho ferry\n");
        mode(root.resolve("bin/run.sh"), "rwxr-xr-x");
        writeText(root.resolve("old.txt"), "written long ago\n");
        mtime(root.resolve("old.txt"), Instant.parse("2001-09-09T01:46:40.123Z"));
        symlink(root.resolve("links/readme"), "../docs/readme.txt");
        return root;
    }

    /**
     * A copy, in {@code dir}, of this project's own text: its *.java, *.md and *.xml files as they
     * lie in the working tree (build output and git's own files left out), under their paths.
     */
    static Path sourcesOfThisProject(Path dir) {
        Path here = Path.of("").toAbsolutePath();
        Path project = Files.exists(here.resolve("wire/pom.xml")) ? here : here.getParent(); // run from tests/
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path relative = project.relativize(file);
                String name = relative.getFileName().toString();
                boolean text = name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".xml");
                boolean built = relative.toString().contains("target/") || relative.startsWith(".git");
                if (text && !built) {
                    Files.createDirectories(dir.resolve(relative).getParent());
                    Files.copy(file, dir.resolve(relative));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sources of " + project + " to " + dir, e);
        }
    }

    /** {@code count} small text files named {@code file-000.txt} ... in {@code dir}. */
    static Path manySmallFiles(Path dir, int count) {
        for (int i = 0; i < count; i++) {
            writeText(dir.resolve(String.format("file-%03d.txt", i)), text("file " + i, 200 + i));
        }
        return dir;
    }

    static Path writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static Path appendText(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Writes {@code size} seeded pseudo-random bytes, streamed: large files never sit in memory. */
    static Path writeRandom(Path file, long size, long seed) {
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long left = size; left > 0; left -= buffer.length) {
                    random.nextBytes(buffer);
                    out.write(buffer, 0, (int) Math.min(buffer.length, left));
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static Path symlink(Path link, String target) {
        try {
            Files.createDirectories(link.getParent());
            return Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to " + target, e);
        }
    }

    /** Deletes a file, or a directory with everything in it, without following symbolic links. */
    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Sets permission bits given as {@code ls -l} shows them, e.g. {@code rw-r-----}. */
    static Path mode(Path path, String permissions) {
        try {
            return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot chmod " + path, e);
        }
    }

    static Path mtime(Path path, Instant time) {
        try {
            return Files.setLastModifiedTime(path, FileTime.from(time));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the mtime of " + path, e);
        }
    }

    /** Readable text of about {@code length} characters that differs with {@code theme}. */
    static String text(String theme, int length) {
        StringBuilder text = new StringBuilder(length + 80);
        for (int line = 1; text.length() < length; line++) {
            text.append(theme).append(", line ").append(line).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return text.substring(0, length);
    }
}
