package dev.ferry.producer;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import org.slf4j.LoggerFactory;

/**
 * A {@link SourceDirectory} known by its path only, for platforms without directory handles:
 * each step down checks that the entry is a directory and not a link, but a swap between the
 * check and the use goes unseen.
 */
final class PathDirectory implements SourceDirectory {

    private static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path path;
    private DirectoryStream<Path> listing;

    PathDirectory(Path path) {
        this.path = path;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public SourceDirectory child(Path name) throws IOException {
        if (!lstat(name).isDirectory()) {
            throw new NotDirectoryException(path.resolve(name).toString());
        }
        return new PathDirectory(path.resolve(name));
    }

    @Override
    public Iterable<Path> entries() throws IOException {
        listing = Files.newDirectoryStream(path);
        return listing;
    }

    @Override
    public PosixFileAttributes lstat(Path name) throws IOException {
        return Files.readAttributes(path.resolve(name), PosixFileAttributes.class, NO_FOLLOW);
    }

    @Override
    public SeekableByteChannel open(Path name) throws IOException {
        return Files.newByteChannel(path.resolve(name), StandardOpenOption.READ, NO_FOLLOW);
    }

    @Override
    public Path readLink(Path name) throws IOException {
        return Files.readSymbolicLink(path.resolve(name));
    }

    @Override
    public void close() {
        if (listing == null) {
            return;
        }
        try {
            listing.close();
        } catch (IOException e) {
            LoggerFactory.getLogger(PathDirectory.class).debug("closing the listing of {}: {}", path, e.toString());
        }
    }
}
