package dev.ferry.delta;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * The binary layout of a signature file, big-endian:
 * <pre>
 *   magic "FERRYSIG" (8) | format version (int) | min, average, max size (3 ints) | file size (long)
 *   | content SHA-256 (32 raw bytes) | chunk count (int)
 *   | per chunk: length (int), hash (long)
 *   | CRC32 of every byte before it (int)
 * </pre>
 * Reading checks everything it can (length, magic, version, parameters, that the chunks add up to
 * the size and the hash is the file's name, the CRC) and says which check failed: a file torn by a
 * crash, cut short or not ours must read as absent, never as a wrong signature.
 */
final class SignatureFormat {

    static final int VERSION = 1;
    static final int HEADER_SIZE = 8 + 4 + 3 * 4 + 8 + 32 + 4;
    static final int RECORD_SIZE = 4 + 8;
    static final int TRAILER_SIZE = 4;

    private static final byte[] MAGIC = {'F', 'E', 'R', 'R', 'Y', 'S', 'I', 'G'};
    private static final int RECORDS_PER_READ = 4096;

    private SignatureFormat() {
    }

    /** Why a signature file cannot be used; the store treats it as absent. */
    static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String reason) {
            super(reason);
        }
    }

    static ByteBuffer header(ChunkParameters parameters, long fileSize, String contentSha256, int chunkCount) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put(MAGIC).putInt(VERSION);
        header.putInt(parameters.minSize()).putInt(parameters.averageSize()).putInt(parameters.maxSize());
        header.putLong(fileSize).put(HexFormat.of().parseHex(contentSha256)).putInt(chunkCount);
        return header.flip();
    }

    static void putRecord(ByteBuffer buffer, int length, long hash) {
        buffer.putInt(length).putLong(hash);
    }

    /** Reads the signature of {@code contentSha256} from {@code file}. */
    static Signature read(Path file, String contentSha256) throws IOException, UnreadableException {
        long fileLength = Files.size(file);
        if (fileLength < HEADER_SIZE + TRAILER_SIZE) {
            throw new UnreadableException(fileLength + " bytes, shorter than any signature");
        }
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new UnreadableException("no signature magic (" + HexFormat.of().formatHex(magic) + ")");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new UnreadableException("format version " + version + ", this build reads " + VERSION);
            }
            ChunkParameters parameters = parameters(in.readInt(), in.readInt(), in.readInt());
            long fileSize = in.readLong();
            String sha = HexFormat.of().formatHex(in.readNBytes(32));
            if (!sha.equals(contentSha256)) {
                throw new UnreadableException("holds the signature of " + sha);
            }
            int count = in.readInt();
            long expected = HEADER_SIZE + (long) count * RECORD_SIZE + TRAILER_SIZE;
            if (count < 0 || expected != fileLength) {
                throw new UnreadableException(count + " chunks in a file of " + fileLength + " bytes (torn or cut short)");
            }
            long[] hashes = new long[count];
            int[] lengths = new int[count];
            readRecords(in, parameters, hashes, lengths);
            long computed = crc.getValue();
            long stored = in.readInt() & 0xFFFFFFFFL;
            if (computed != stored) {
                throw new UnreadableException("CRC32 " + Long.toHexString(computed) + " where the file says "
                        + Long.toHexString(stored));
            }
            return signature(parameters, fileSize, sha, hashes, lengths);
        } catch (EOFException e) {
            throw new UnreadableException("ends early (it changed while read)");
        }
    }

    private static void readRecords(DataInputStream in, ChunkParameters parameters, long[] hashes, int[] lengths)
            throws IOException, UnreadableException {
        byte[] block = new byte[RECORDS_PER_READ * RECORD_SIZE];
        for (int first = 0; first < hashes.length; first += RECORDS_PER_READ) {
            int records = Math.min(RECORDS_PER_READ, hashes.length - first);
            in.readFully(block, 0, records * RECORD_SIZE);
            ByteBuffer buffer = ByteBuffer.wrap(block, 0, records * RECORD_SIZE);
            for (int chunk = first; chunk < first + records; chunk++) {
                int length = buffer.getInt();
                if (length < 1 || length > parameters.maxSize()) {
                    throw new UnreadableException("chunk " + chunk + " of " + length + " bytes, not from 1 to "
                            + parameters.maxSize());
                }
                lengths[chunk] = length;
                hashes[chunk] = buffer.getLong();
            }
        }
    }

    private static ChunkParameters parameters(int min, int average, int max) throws UnreadableException {
        try {
            return new ChunkParameters(min, average, max);
        } catch (IllegalArgumentException e) {
            throw new UnreadableException(e.getMessage());
        }
    }

    private static Signature signature(ChunkParameters parameters, long fileSize, String sha, long[] hashes,
            int[] lengths) throws UnreadableException {
        try {
            return new Signature(parameters, fileSize, sha, hashes, lengths);
        } catch (IllegalArgumentException e) {
            throw new UnreadableException(e.getMessage());
        }
    }
}
