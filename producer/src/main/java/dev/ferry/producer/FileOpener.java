package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * Opens the files of the source tree for reading, relative to the handle of their directory
 * (never through a link; see {@link SourceDirectory}). Files are published directory by
 * directory, so the directory of the last file stays open for the next one until
 * {@link #release()}, instead of a walk down from the root per file. Used by one thread at a time.
 */
final class FileOpener {

    private final SourceTree tree;
    private SourceTree.Directory directory;

    FileOpener(SourceTree tree) {
        this.tree = tree;
    }

    SeekableByteChannel open(RelPath file) throws IOException {
        RelPath parent = file.parent();
        if (directory == null || !Objects.equals(directory.path(), parent)) {
            release();
            directory = tree.openDirectory(parent);
        }
        return directory.open(file);
    }

    /**
     * What is at {@code file} now, looked at relative to the directory {@link #open} opened it in:
     * whether the file opened is the one seen before, even if that directory is no longer where
     * the path leads.
     */
    Entry lookAtOpened(RelPath file) throws IOException {
        return directory == null ? null : directory.look(file);
    }

    /** Closes the directory kept open, so none stays open while the producer waits for changes. */
    void release() {
        if (directory != null) {
            directory.close();
            directory = null;
        }
    }
}
