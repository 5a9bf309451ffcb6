package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads the SHA-256 of a file of the source that was published before its hash was kept: through
 * the directory handles of {@link SourceTree} (never a path through a link), and only while the
 * file is the version published, looked at before and after reading: a file changed since is
 * about to be published again, with its hash. Used by one thread at a time.
 */
final class SourceHasher {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final FileOpener files;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private long filesRead;

    SourceHasher(SourceTree tree) {
        this.files = new FileOpener(tree);
    }

    /**
     * The hash of the file at {@code path}, which the index holds as {@code published}.
     *
     * @throws NoSuchFileException when it is gone or is not the version published any more
     * @throws IOException         when it cannot be read
     */
    Sha256 hash(RelPath path, Entry published) throws IOException {
        SeekableByteChannel channel;
        try {
            channel = files.open(path);
        } catch (FileSystemException e) {
            if (SourceTree.isGone(e)) {
                throw notAsPublished(path, "it is gone");
            }
            throw e;
        }
        try (channel) {
            requireAsPublished(path, published);
            MessageDigest sha256 = sha256();
            filesRead++;
            for (buffer.clear(); channel.read(buffer) >= 0; buffer.clear()) {
                sha256.update(buffer.flip());
            }
            requireAsPublished(path, published);
            return Sha256.of(HexFormat.of().formatHex(sha256.digest()));
        }
    }

    /** How many files were read to be hashed. */
    long filesRead() {
        return filesRead;
    }

    /** Closes the directory kept open for the next file. */
    void release() {
        files.release();
    }

    private void requireAsPublished(RelPath path, Entry published) throws IOException {
        Entry now = files.lookAtOpened(path);
        if (now == null || !now.sameVersion(published)) {
            throw notAsPublished(path, "it changed since it was published");
        }
    }

    private static NoSuchFileException notAsPublished(RelPath path, String why) {
        return new NoSuchFileException(path.text(), null, "not the version published: " + why);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
