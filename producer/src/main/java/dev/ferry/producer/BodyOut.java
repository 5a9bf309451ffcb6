package dev.ferry.producer;

import java.io.IOException;

/**
 * How the bytes of one file version, read in order, become messages: whole ({@link WholeBodyOut})
 * or as a delta against the version the mirrors hold ({@link DeltaBodyOut}).
 */
interface BodyOut {

    /** The next {@code length} bytes of the file, not its last ones. */
    void part(byte[] bytes, int length) throws IOException;

    /** The file's last {@code length} bytes (possibly none), and what the whole file is. */
    void last(byte[] bytes, int length, long size, String sha256, int mode, long mtimeNanos) throws IOException;

    /** Whether a message went out for this version already: a version given up is then retracted. */
    boolean sentAny();
}
