package dev.ferry.producer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * An open directory of the source tree: the one way the producer reaches what is in the tree.
 * An entry is named by its name in this directory (a single name, never a path of several), and
 * nothing is followed through a symlink: so a directory of the tree swapped for a link to
 * somewhere else, however the swap is timed, can never make the producer read what the link
 * leads to. Each directory is reached from its parent the same way, from the root down.
 *
 * <p>{@link HandleDirectory} holds a descriptor; {@link PathDirectory}, for platforms without
 * one, only a path. {@link SourceTree} chooses.
 */
interface SourceDirectory extends Closeable {

    /** Where this directory was when it was opened, for messages and the entries of its listing. */
    Path path();

    /**
     * Opens the directory {@code name} in this one, without following a link.
     *
     * @throws NotDirectoryException when the entry is not a directory (a symlink, say)
     */
    SourceDirectory child(Path name) throws IOException;

    /** The entries of this directory, as paths under {@link #path()}; to be read once only. */
    Iterable<Path> entries() throws IOException;

    /** What {@code name} is, without following it if it is a link. */
    PosixFileAttributes lstat(Path name) throws IOException;

    /** Opens the regular file {@code name} for reading, refusing to follow a link. */
    SeekableByteChannel open(Path name) throws IOException;

    /** The target of the symlink {@code name}. */
    Path readLink(Path name) throws IOException;

    /** Closes the directory, never throwing: there is nothing to lose, only a descriptor to release. */
    @Override
    void close();
}
