package dev.ferry.producer;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The SHA-256 of a file's content as the index keeps it: four longs, some 56 bytes less per file
 * than its 64 hex digits as text, which an index of a million files holds a million of.
 */
record Sha256(long first, long second, long third, long fourth) {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * The hash written as 64 lowercase hex digits.
     *
     * @throws IllegalArgumentException when {@code hex} is not that
     */
    static Sha256 of(String hex) {
        if (hex.length() != 64 || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("not a SHA-256 in 64 lowercase hex digits: " + hex);
        }
        ByteBuffer bytes = ByteBuffer.wrap(HEX.parseHex(hex));
        return new Sha256(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong());
    }

    /** The hash in 64 lowercase hex digits, as the wire carries it. */
    String hex() {
        return HEX.formatHex(ByteBuffer.allocate(32).putLong(first).putLong(second).putLong(third).putLong(fourth)
                .array());
    }

    @Override
    public String toString() {
        return hex();
    }
}
