package dev.ferry.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * How a part of a delta ({@link ChangeEvent.DeltaChunk}, {@link ChangeEvent.PutDelta}) writes the
 * new body: pieces one after the other, each either a copy of a range of the base or literal bytes
 * taken, in order, from the message body. Immutable.
 *
 * <p>On the wire a flat JSON array of numbers, two per piece: where in the base the piece starts
 * and how long it is, or {@code -1} and the length for literal bytes, e.g. {@code [0,1048576,-1,4096]}
 * (a megabyte of the base, then 4 KiB from the message body). Compact because a part may hold
 * {@link #MAX_PIECES} of them in a message property.
 */
public final class DeltaPieces {

    /** The most pieces one message holds: bounds its event JSON to some tens of kilobytes. */
    public static final int MAX_PIECES = 1024;

    /** The {@code from} of a literal piece. */
    public static final long LITERAL = -1;

    private final long[] pairs;
    private final long length;
    private final int literalBytes;
    private final long reach;

    private DeltaPieces(long[] pairs) {
        require(pairs != null, "pieces are missing");
        require(pairs.length % 2 == 0, "pieces are pairs of numbers, but there are " + pairs.length);
        require(pairs.length / 2 <= MAX_PIECES, (pairs.length / 2) + " pieces (at most " + MAX_PIECES + ")");
        long total = 0;
        long literal = 0;
        long furthest = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            long from = pairs[i];
            long size = pairs[i + 1];
            require(size > 0, "piece " + (i / 2 + 1) + " has length " + size);
            require(from >= LITERAL, "piece " + (i / 2 + 1) + " starts at " + from);
            require(from == LITERAL || from + size > 0, "piece " + (i / 2 + 1) + " ends past 2^63");
            total = Math.addExact(total, size);
            if (from == LITERAL) {
                literal += size;
                require(literal <= WireFormat.MAX_CHUNK_BYTES, "literal pieces of more than "
                        + WireFormat.MAX_CHUNK_BYTES + " bytes");
            } else {
                furthest = Math.max(furthest, from + size);
            }
        }
        this.pairs = pairs;
        this.length = total;
        this.literalBytes = (int) literal;
        this.reach = furthest;
    }

    /** The pieces of {@code pairs}, two numbers each (see the type's documentation). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static DeltaPieces of(long... pairs) {
        return new DeltaPieces(pairs.clone());
    }

    @JsonValue
    long[] pairs() {
        return pairs.clone();
    }

    /** How many pieces. */
    public int count() {
        return pairs.length / 2;
    }

    /** Where in the base piece {@code i} starts, or {@link #LITERAL}. */
    public long from(int i) {
        return pairs[2 * i];
    }

    /** How many bytes piece {@code i} writes. */
    public long length(int i) {
        return pairs[2 * i + 1];
    }

    public boolean isLiteral(int i) {
        return pairs[2 * i] == LITERAL;
    }

    /** How many bytes all the pieces write. */
    public long length() {
        return length;
    }

    /** How many of them are literal bytes, carried in the message body. */
    public int literalBytes() {
        return literalBytes;
    }

    /** The end of the furthest range of the base a piece copies (0 when none does). */
    public long reach() {
        return reach;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeltaPieces pieces && Arrays.equals(pairs, pieces.pairs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pairs);
    }

    @Override
    public String toString() {
        return count() + " pieces (" + length + " bytes, " + literalBytes + " literal)";
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }
}
