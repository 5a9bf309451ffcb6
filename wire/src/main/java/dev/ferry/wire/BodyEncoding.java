package dev.ferry.wire;

import com.github.luben.zstd.Zstd;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;

/**
 * How the body of an event message may be compressed: with zstd ({@value #ZSTD}), named by
 * {@link WireFormat#ENCODING_PROPERTY}, in messages of {@link WireFormat#ENCODED_VERSION}. The
 * event keeps declaring the length of the body once decoded ({@code PutFile.length},
 * {@code FileChunk.length}, a bundle's lengths); what travels is one zstd frame.
 *
 * <p>Decoding is bounded by what the event declares, never by what the frame says: the reader
 * takes a compressed body of at most {@link #MAX_ENCODED_BYTES}, and inflates it into a buffer of
 * exactly the declared length (at most {@link WireFormat#MAX_CHUNK_BYTES}). A frame that inflates
 * past it, to less, declares another size in its header, is cut short or is not zstd at all is a
 * {@link WireFormatException}: a hostile message that claims 1 KiB and inflates to 10 GiB costs
 * the reader 1 KiB.
 */
public final class BodyEncoding {

    /** The value of {@link WireFormat#ENCODING_PROPERTY} for a body compressed as one zstd frame. */
    public static final String ZSTD = "zstd";

    /** zstd's level; wire/pom.xml says how it was chosen. */
    static final int LEVEL = 1;

    /**
     * The longest compressed body a reader takes: what zstd may make of
     * {@link WireFormat#MAX_CHUNK_BYTES} that do not compress (stored blocks, a few bytes each).
     */
    public static final int MAX_ENCODED_BYTES = maxEncodedLength(WireFormat.MAX_CHUNK_BYTES);

    /** The most bytes of a frame its header can take (zstd's ZSTD_FRAMEHEADERSIZE_MAX). */
    private static final int MAX_HEADER_BYTES = 18;

    private BodyEncoding() {
    }

    /** Whether this build reads bodies encoded by {@code encoding}. */
    public static boolean isKnown(String encoding) {
        return ZSTD.equals(encoding);
    }

    /** How long a buffer {@link #compress} needs for {@code length} bytes. */
    public static int maxEncodedLength(int length) {
        return Math.toIntExact(Zstd.compressBound(length));
    }

    /**
     * Compresses the first {@code length} bytes of {@code body} into {@code into}, which holds at
     * least {@link #maxEncodedLength}{@code (length)} bytes, as one zstd frame that declares its
     * content size.
     *
     * @return the frame's length
     */
    public static int compress(byte[] body, int length, byte[] into) {
        if (into.length < maxEncodedLength(length)) {
            throw new IllegalArgumentException("a buffer of " + into.length + " bytes cannot take the compressed "
                    + length + " bytes (needs " + maxEncodedLength(length) + ")");
        }
        long written = Zstd.compressByteArray(into, 0, into.length, body, 0, length, LEVEL);
        if (Zstd.isError(written)) {
            throw new IllegalStateException("zstd cannot compress " + length + " bytes: " + Zstd.getErrorName(written));
        }
        return (int) written;
    }

    /**
     * Checks the first bytes of a frame against the length its event declares, before anything is
     * inflated: what the reader can refuse at once.
     *
     * @param what names the body in the reason, e.g. "the body of PutFile a/b.txt"
     * @throws WireFormatException when the header is not a zstd frame's, or declares another size
     */
    static void checkHeader(byte[] header, int headerLength, long declared, String what) throws WireFormatException {
        long size;
        try {
            size = Zstd.getFrameContentSize(header, 0, headerLength);
        } catch (RuntimeException e) {
            throw new WireFormatException(what + " is not a " + ZSTD + " frame: " + e.getMessage(), e);
        }
        // zstd-jni gives -1 for a size the frame does not declare (streaming), -2 (or less) for no frame.
        if (size < -1) {
            throw new WireFormatException(what + " is not a " + ZSTD + " frame");
        }
        if (size >= 0 && size != declared) {
            throw new WireFormatException(what + " is a " + ZSTD + " frame of " + size
                    + " bytes, but its event declares " + declared);
        }
    }

    /**
     * Reads the header of the frame {@code message} carries, from the start of its body, and checks
     * it (see {@link #checkHeader}); leaves the body at its start.
     */
    static void checkHeader(BytesMessage message, long declared, String what) throws WireFormatException, JMSException {
        byte[] header = new byte[MAX_HEADER_BYTES];
        message.reset(); // Whoever looked at the body before may have read some of it.
        int read = message.readBytes(header);
        message.reset();
        checkHeader(header, Math.max(read, 0), declared, what);
    }

    /**
     * The body {@code message} carries, encoded by {@code encoding}, decoded: exactly
     * {@code declared} bytes. Reads the body from its start.
     *
     * @param what names the body in the reason, e.g. "the body of PutFile a/b.txt"
     * @throws WireFormatException when the encoding is unknown, the body is longer than
     *                             {@link #MAX_ENCODED_BYTES}, or does not decode to exactly
     *                             {@code declared} bytes
     */
    public static byte[] decode(BytesMessage message, String encoding, int declared, String what)
            throws WireFormatException, JMSException {
        long length = message.getBodyLength();
        if (length > MAX_ENCODED_BYTES) {
            throw new WireFormatException(what + " is " + length + " bytes compressed (at most "
                    + MAX_ENCODED_BYTES + ")");
        }
        byte[] frame = new byte[(int) length];
        message.reset();
        int read = length == 0 ? 0 : message.readBytes(frame);
        if (read != length) {
            throw new WireFormatException(what + " ended at byte " + Math.max(read, 0) + " of " + length);
        }
        return decode(encoding, frame, frame.length, declared, what);
    }

    /**
     * The first {@code frameLength} bytes of {@code frame}, encoded by {@code encoding}, decoded:
     * exactly {@code declared} bytes, in a buffer of that size and never more.
     *
     * @throws WireFormatException see {@link #decode(BytesMessage, String, int, String)}
     */
    public static byte[] decode(String encoding, byte[] frame, int frameLength, int declared, String what)
            throws WireFormatException {
        if (!isKnown(encoding)) {
            throw new WireFormatException(what + " is encoded by " + Printable.quote(WireText.escape(
                    String.valueOf(encoding))) + ", which this consumer does not read (it reads " + ZSTD
                    + "; upgrade the consumer)");
        }
        if (declared < 0 || declared > WireFormat.MAX_CHUNK_BYTES) {
            throw new WireFormatException(what + " declares " + declared + " bytes (at most "
                    + WireFormat.MAX_CHUNK_BYTES + ")");
        }
        checkHeader(frame, Math.min(frameLength, MAX_HEADER_BYTES), declared, what);
        byte[] body = new byte[declared];
        long inflated;
        try {
            inflated = Zstd.decompressByteArray(body, 0, declared, frame, 0, frameLength);
        } catch (RuntimeException e) { // ZstdException, in the versions that throw rather than return an error
            throw new WireFormatException(what + " does not decode to the " + declared + " bytes its event declares: "
                    + e.getMessage(), e);
        }
        if (Zstd.isError(inflated)) {
            throw new WireFormatException(what + " does not decode to the " + declared + " bytes its event declares: "
                    + Zstd.getErrorName(inflated));
        }
        if (inflated != declared) {
            throw new WireFormatException(what + " decodes to " + inflated + " bytes, but its event declares "
                    + declared);
        }
        return body;
    }
}
