package dev.ferry.producer.repair;

import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.TreeView;
import dev.ferry.wire.DirectoryDigest;
import java.io.IOException;
import java.time.Instant;

/**
 * What the producer published, as a {@link TreeView} for a repair to compare with what a mirror
 * holds: the entries of its index under its ignore rules now, each file with the SHA-256 of the
 * content published where the index knows it (else read from the source once, while it is still
 * that version, and remembered). Its listings hold exactly what the producer publishes, so that a
 * mirror's listing, taken under the same rules, is equal when the mirror is.
 *
 * <p>An entry whose publication is not known for now (in doubt after a commit whose outcome was
 * never learned, or a directory whose own entry is not published yet) is listed as
 * {@link dev.ferry.verify.TreeEntry.Type#SPECIAL}, so a comparison neither trusts nor descends
 * it; the producer's next survey publishes it, and a repair leaves it alone
 * ({@link #isUnsettled}).
 */
public interface PublishedView extends TreeView {

    /**
     * This view with the {@link DirectoryDigest} of each of its directories, as of now (the
     * view may keep them while nothing changed).
     */
    DigestedTree digested() throws IOException;

    /** Whether what was published at {@code path} is not known for now; see the type's documentation. */
    boolean isUnsettled(String path);

    /** Whether the view holds a directory at {@code path} ("" is the root, which it always holds). */
    boolean holdsDirectory(String path);

    /** Whether the producer's rules ignore the entry at {@code path}, its directories known not to be ignored. */
    boolean isIgnoredEntry(String path, boolean isDirectory);

    /**
     * Reads from the source, until {@code deadline} (or one file past it), the published files
     * whose hashes the view does not know yet, and remembers their hashes; a file changed since
     * it was published is left for the producer to publish again. Goes on where the last call
     * stopped.
     *
     * @return whether every file was looked at since the first call of this round, so that the
     *         view knows every hash it can know now; the next call starts a new round
     */
    boolean learnHashes(Instant deadline) throws IOException, InterruptedException;
}
