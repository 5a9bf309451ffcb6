package dev.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checks on the directories a command is given, so every command words them alike. */
final class Directories {

    private Directories() {
    }

    /** The real path of an existing source directory. */
    static Path source(Path source) throws IOException {
        return existing(source, "source");
    }

    /** The real path of an existing directory, such as a destination to verify; {@code role} names it in messages. */
    static Path existing(Path directory, String role) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(role + " " + directory + " is not a directory"
                    + (Files.exists(directory) ? "" : " (it does not exist)"));
        }
        return directory.toRealPath();
    }

    /** The real path of the destination directory, created when missing. */
    static Path destination(Path destination) throws IOException {
        if (Files.exists(destination) && !Files.isDirectory(destination)) {
            throw new IllegalArgumentException("destination " + destination + " is not a directory");
        }
        try {
            return Files.createDirectories(destination).toRealPath();
        } catch (IOException e) {
            throw new IOException("cannot create destination " + destination, e);
        }
    }

    /** Refuses a source and destination inside one another: the mirror would replicate itself. */
    static void requireApart(Path source, Path destination) {
        if (destination.startsWith(source)) {
            throw new IllegalArgumentException("destination " + destination + " is inside source " + source);
        }
        if (source.startsWith(destination)) {
            throw new IllegalArgumentException("source " + source + " is inside destination " + destination);
        }
    }
}
