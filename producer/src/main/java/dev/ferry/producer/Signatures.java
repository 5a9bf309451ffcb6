package dev.ferry.producer;

import dev.ferry.delta.ChunkParameters;
import dev.ferry.delta.Signature;
import dev.ferry.delta.SignatureStore;
import dev.ferry.delta.SignatureWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files travel as deltas, and the signatures that make it possible: for every file of at
 * least {@link #MIN_FILE_BYTES} the producer publishes, the chunk list of the version published,
 * under {@code <state>/signatures/<sha256>.sig}. The next version of that file is sent as a delta
 * against it, when the index says that version is what the mirrors hold.
 *
 * <p>A signature is named by the content it describes, so it can never describe another version:
 * one that is missing or unreadable only means the file is sent whole once more.
 */
final class Signatures {

    private static final Logger log = LoggerFactory.getLogger(Signatures.class);

    /**
     * Smaller files are sent whole: a megabyte costs little to send again, compressed where it
     * pays, and a signature per small file would fill the state directory with files that save
     * little.
     */
    static final long MIN_FILE_BYTES = 1 << 20;

    /**
     * A file that grew this many times over its base's chunk size class is sent whole, so that it
     * gets a signature with parameters for its size (else its chunk count would grow without bound).
     */
    private static final int MAX_GROWTH = 4;

    private final SignatureStore store;

    private Signatures(SignatureStore store) {
        this.store = store;
    }

    static Signatures in(Path stateDir) throws IOException {
        return new Signatures(new SignatureStore(stateDir.resolve("signatures")));
    }

    /** The signature of {@code published} to send a file of {@code size} bytes as a delta against, or null (send it whole). */
    Signature baseFor(Sha256 published, long size) throws IOException {
        if (published == null || size < MIN_FILE_BYTES) {
            return null;
        }
        Signature base = store.find(published.hex());
        if (base != null && ChunkParameters.forFileSize(size).averageSize()
                > MAX_GROWTH * base.parameters().averageSize()) {
            return null;
        }
        return base;
    }

    /** A writer for the signature of a new version of {@code size} bytes, or null when none is kept for it. */
    SignatureWriter begin(long size, Signature base) throws IOException {
        if (size < MIN_FILE_BYTES) {
            return null;
        }
        return store.begin(base != null ? base.parameters() : ChunkParameters.forFileSize(size));
    }

    /** Keeps the signature that {@code writer} wrote of the content {@code sha256}; a failure only costs a delta. */
    void keep(SignatureWriter writer, String sha256, long size) {
        try {
            writer.commit(sha256, size);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot keep the signature of {} ({} bytes) in {}: its next version is sent whole ({})",
                    sha256.substring(0, 12), size, store.directory(), e.getMessage());
            writer.abandon();
        }
    }

    /** Deletes the signatures of contents no longer published: those not in {@code published}. */
    void retainOnly(Set<String> published) throws IOException {
        int deleted = store.retainOnly(published);
        if (deleted > 0) {
            log.debug("deleted {} signatures of versions no longer published", deleted);
        }
    }
}
