package dev.ferry.producer;

import dev.ferry.delta.DeltaEncoder;
import dev.ferry.delta.RecipeSink;
import dev.ferry.delta.Signature;
import dev.ferry.delta.SignatureWriter;
import dev.ferry.wire.ChangeEvent.DeltaChunk;
import dev.ferry.wire.ChangeEvent.PutDelta;
import dev.ferry.wire.DeltaPieces;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.util.Arrays;

/**
 * A file version sent as a delta against {@code base}, the version the mirrors hold: the
 * {@link DeltaEncoder}'s copies and literal bytes packed into {@link DeltaChunk}s, each holding at
 * most one buffer of literal bytes (the size of a whole body's chunk) and {@link DeltaPieces#MAX_PIECES}
 * pieces, then a {@link PutDelta} with the rest. A copy costs a pair of numbers however long it is, so
 * an unchanged gigabyte is one piece.
 */
final class DeltaBodyOut implements BodyOut, RecipeSink {

    /** A message is sent once the pieces pending write this many bytes, copies included. */
    static final long FLUSH_BYTES = 64L << 20;

    private final EventRoute route;
    private final RelPath path;
    private final long seq;
    private final Signature base;
    private final DeltaEncoder encoder;
    private final byte[] literals;
    private int literalLength;
    private long[] pairs = new long[32];
    private int pairCount;
    private long pendingLength;
    private long offset;
    private boolean sentAny;

    /** {@code signature}, when not null, gets the new version's chunks, made with the base's parameters. */
    DeltaBodyOut(EventRoute route, RelPath path, long seq, Signature base, SignatureWriter signature, int literalBytes) {
        this.route = route;
        this.path = path;
        this.seq = seq;
        this.base = base;
        this.literals = new byte[literalBytes];
        this.encoder = new DeltaEncoder(base, this, signature);
    }

    @Override
    public void part(byte[] bytes, int length) throws IOException {
        encoder.update(bytes, 0, length);
    }

    @Override
    public void last(byte[] bytes, int length, long size, String sha256, int mode, long mtimeNanos)
            throws IOException {
        encoder.update(bytes, 0, length);
        encoder.finish();
        route.send(new PutDelta(path, seq, offset, pendingLength, base.contentSha256(), base.fileSize(), pieces(),
                size, sha256, mode, mtimeNanos), literals, literalLength);
        sentAny = true;
    }

    @Override
    public boolean sentAny() {
        return sentAny;
    }

    /** How many bytes of the new version were sent as literal bytes rather than copied. */
    long literalBytes() {
        return encoder.literalBytes();
    }

    @Override
    public void copy(long baseOffset, long length) throws IOException {
        if (pairCount == 2 * DeltaPieces.MAX_PIECES) {
            flush();
        }
        add(baseOffset, length);
        if (pendingLength >= FLUSH_BYTES) {
            // The consumer copies what this message says while the producer reads on: without it, a
            // file changed only near its end would wait for the whole read before any copying.
            flush();
        }
    }

    @Override
    public void literal(byte[] data, int from, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (literalLength == literals.length || pairCount == 2 * DeltaPieces.MAX_PIECES
                    && pairs[pairCount - 2] != DeltaPieces.LITERAL) {
                flush();
            }
            int n = Math.min(length - done, literals.length - literalLength);
            System.arraycopy(data, from + done, literals, literalLength, n);
            literalLength += n;
            if (pairCount > 0 && pairs[pairCount - 2] == DeltaPieces.LITERAL) {
                pairs[pairCount - 1] += n; // The literal piece before goes on.
                pendingLength += n;
            } else {
                add(DeltaPieces.LITERAL, n);
            }
            done += n;
        }
    }

    private void add(long from, long length) {
        if (pairCount == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[pairCount++] = from;
        pairs[pairCount++] = length;
        pendingLength += length;
    }

    /** Sends what is pending as a {@link DeltaChunk}: more is to come. */
    private void flush() throws IOException {
        if (pairCount == 0) {
            return;
        }
        route.send(new DeltaChunk(path, seq, offset, pendingLength, base.contentSha256(), base.fileSize(), pieces()),
                literals, literalLength);
        sentAny = true;
        route.commitIfBatchFull();
        offset += pendingLength;
        pendingLength = 0;
        pairCount = 0;
        literalLength = 0;
    }

    private DeltaPieces pieces() {
        return DeltaPieces.of(Arrays.copyOf(pairs, pairCount));
    }
}
