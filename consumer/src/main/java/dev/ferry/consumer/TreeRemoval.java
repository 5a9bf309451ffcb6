package dev.ferry.consumer;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes a whole tree without following a link, however deep it is.
 *
 * <p>A tree can be deeper than the longest path the kernel takes (PATH_MAX, 4096 bytes on Linux):
 * renames that each name short paths build one (a directory moved into its own sibling, again and
 * again), and a replica receives exactly such renames. So the removal works through directory
 * handles (openat, unlinkat), each name relative to its open parent, never a path from the root.
 * It holds one open directory per level of the tree it is in.
 */
final class TreeRemoval {

    /** How often a directory that others keep filling is emptied again before giving up. */
    private static final int ATTEMPTS = 10;

    private static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;

    private TreeRemoval() {
    }

    /** Removes whatever is at {@code target}, a whole tree included; nothing there is fine. */
    static void remove(Path target) throws IOException {
        if (!Files.isDirectory(target, NO_FOLLOW)) {
            Files.deleteIfExists(target);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try (DirectoryStream<Path> directory = Files.newDirectoryStream(target)) {
                if (directory instanceof SecureDirectoryStream<Path> secure) {
                    empty(secure);
                } else {
                    emptyByPaths(target);
                }
            } catch (NoSuchFileException gone) {
                return;
            }
            try {
                Files.deleteIfExists(target);
                return;
            } catch (DirectoryNotEmptyException refilled) {
                if (attempt == ATTEMPTS) {
                    throw refilled;
                }
            }
        }
    }

    private static void empty(SecureDirectoryStream<Path> directory) throws IOException {
        for (Path entry : directory) {
            Path name = entry.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW)
                        .readAttributes();
            } catch (NoSuchFileException gone) {
                continue;
            }
            if (attributes.isDirectory()) {
                removeDirectory(directory, name, entry);
            } else {
                deleteFile(directory, name);
            }
        }
    }

    private static void removeDirectory(SecureDirectoryStream<Path> parent, Path name, Path shownAs)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (SecureDirectoryStream<Path> child = parent.newDirectoryStream(name, NO_FOLLOW)) {
                empty(child);
            } catch (NoSuchFileException gone) {
                return;
            } catch (FileSystemException replaced) {
                // Opened without following links: a link put there meanwhile fails with ELOOP.
                deleteFile(parent, name);
                return;
            }
            try {
                parent.deleteDirectory(name);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (DirectoryNotEmptyException refilled) {
                if (attempt == ATTEMPTS) {
                    throw new DirectoryNotEmptyException(shownAs.toString());
                }
            }
        }
    }

    private static void deleteFile(SecureDirectoryStream<Path> directory, Path name) throws IOException {
        try {
            directory.deleteFile(name);
        } catch (NoSuchFileException gone) {
            // Removed meanwhile: what was asked.
        }
    }

    /** Where the platform has no directory handles: by paths, deep trees fail there. */
    private static void emptyByPaths(Path target) throws IOException {
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                if (!dir.equals(target)) {
                    Files.deleteIfExists(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
