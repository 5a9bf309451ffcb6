package dev.ferry.producer;

import dev.ferry.wire.BodyEncoding;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.RelPath;

/**
 * Decides, body by body, whether a message body travels compressed ({@link BodyEncoding}): only
 * where that saves at least {@value #MIN_SAVING_PERCENT} % of it, since a consumer pays to inflate
 * what it gets, and a body that barely shrinks was not worth it.
 *
 * <p>A file of several chunk messages is tried once per chunk until a chunk does not pay: its
 * later chunks go as they are, untried. Data that does not compress (photos, archives, encrypted
 * files) is that way throughout, and so costs one try per file, not one per chunk. A bundle of
 * small files is tried every time: zstd gives up on incompressible data at several hundred MB/s to
 * a few GB/s (see wire/pom.xml), far faster than the broker stores it.
 *
 * <p>Not thread-safe: one per sink, used by its producer's thread. The body it returns is a view of
 * its buffer, valid until the next call.
 */
final class BodyCompression {

    static final int MIN_SAVING_PERCENT = 10;

    private final byte[] frame = new byte[BodyEncoding.MAX_ENCODED_BYTES];
    /** The file whose remaining chunks go as they are, since one did not pay; null when none. */
    private RelPath rawPath;
    private long rawSeq;
    private long tries;

    /** The body of {@code event}, the first {@code length} bytes of {@code body}, compressed if that pays. */
    EncodedBody forEvent(ChangeEvent event, byte[] body, int length) {
        boolean continued = event instanceof FileChunk || (event instanceof PutFile file && file.offset() > 0);
        boolean sameFile = continued && event.path().equals(rawPath) && event.seq() == rawSeq;
        if (!sameFile) {
            rawPath = null; // Another file, or this one's first message: it gets its own try.
        }
        if (sameFile || length == 0) {
            return EncodedBody.raw(body, length);
        }
        EncodedBody encoded = tryCompress(body, length);
        if (!encoded.isEncoded() && event instanceof FileChunk) {
            rawPath = event.path(); // More chunks of this file follow: they go untried.
            rawSeq = event.seq();
        }
        return encoded;
    }

    /** The bodies of a bundle, the first {@code length} bytes of {@code bodies}, compressed if that pays. */
    EncodedBody forBundle(byte[] bodies, int length) {
        return length == 0 ? EncodedBody.raw(bodies, length) : tryCompress(bodies, length);
    }

    /** How many bodies were tried since this was made: what tests judge "no second try" by. */
    long tries() {
        return tries;
    }

    private EncodedBody tryCompress(byte[] body, int length) {
        tries++;
        int compressed = BodyEncoding.compress(body, length, frame);
        if ((long) compressed * 100 > (long) length * (100 - MIN_SAVING_PERCENT)) {
            return EncodedBody.raw(body, length);
        }
        return new EncodedBody(BodyEncoding.ZSTD, frame, compressed);
    }
}
