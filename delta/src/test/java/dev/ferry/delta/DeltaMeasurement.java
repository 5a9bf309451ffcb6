package dev.ferry.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measures what the choice of {@link ChunkParameters#DEFAULT_AVERAGE} trades: chunking speed
 * (SHA-256 of every chunk included) against literal bytes sent for typical edits. Not a test: run
 * it by hand after {@code mvn -pl delta verify}, from the repository root:
 * <pre>
 *   java -cp delta/target/classes:delta/target/test-classes dev.ferry.delta.DeltaMeasurement .
 * </pre>
 */
public final class DeltaMeasurement {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int FEED = 64 * KIB;

    private DeltaMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args.length > 0 ? args[0] : ".");
        byte[] random = Chunks.random(1, 64 * MIB);
        byte[] randomEdited = Chunks.splice(overwrite(random, 32 * MIB, Chunks.random(2, MIB)), random.length, 0,
                Chunks.random(3, MIB));
        byte[] text = repeatTo(javaSources(repository), 16 * MIB);
        byte[] textEdited = insertLines(text, 50, new Random(4));

        System.out.printf("SHA-256 alone: %.0f MB/s; text workload %d bytes (%d bytes of *.java repeated)%n",
                sha256Speed(random), text.length, javaSources(repository).length);
        System.out.println("| average | chunking MB/s | chunks in 64 MiB | signature bytes | random: literal (2 MiB changed) "
                + "| text: literal (50 lines inserted) | text: recipe ops |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int average : new int[] {8 * KIB, 16 * KIB, 32 * KIB, 64 * KIB}) {
            ChunkParameters parameters = ChunkParameters.of(average);
            double speed = chunkingSpeed(parameters, random);
            int chunks = Chunks.of(parameters, random, FEED).size();
            long[] randomDelta = delta(parameters, random, randomEdited);
            long[] textDelta = delta(parameters, text, textEdited);
            System.out.printf("| %d KiB | %.0f | %d | %d | %d | %d | %d |%n", average / KIB, speed, chunks,
                    SignatureFormat.HEADER_SIZE + chunks * SignatureFormat.RECORD_SIZE + SignatureFormat.TRAILER_SIZE,
                    randomDelta[0], textDelta[0], textDelta[1]);
        }
    }

    /** The best of five passes over the content, in MB/s (10^6 bytes). */
    private static double chunkingSpeed(ChunkParameters parameters, byte[] content) throws IOException {
        double best = 0;
        for (int pass = 0; pass < 5; pass++) {
            long[] sink = new long[1];
            ContentChunker chunker = new ContentChunker(parameters, (offset, length, hash) -> sink[0] ^= hash);
            long start = System.nanoTime();
            for (int at = 0; at < content.length; at += FEED) {
                chunker.update(content, at, Math.min(FEED, content.length - at));
            }
            chunker.finish();
            best = Math.max(best, content.length * 1e3 / (System.nanoTime() - start));
        }
        return best;
    }

    private static double sha256Speed(byte[] content) throws Exception {
        double best = 0;
        for (int pass = 0; pass < 5; pass++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long start = System.nanoTime();
            for (int at = 0; at < content.length; at += FEED) {
                sha.update(content, at, Math.min(FEED, content.length - at));
            }
            sha.digest();
            best = Math.max(best, content.length * 1e3 / (System.nanoTime() - start));
        }
        return best;
    }

    /** Literal bytes and recipe operations of {@code changed} against {@code base}. */
    private static long[] delta(ChunkParameters parameters, byte[] base, byte[] changed) throws IOException {
        List<Chunks.Chunk> chunks = Chunks.of(parameters, base, FEED);
        Signature signature = new Signature(parameters, base.length, "0".repeat(64),
                chunks.stream().mapToLong(Chunks.Chunk::hash).toArray(),
                chunks.stream().mapToInt(Chunks.Chunk::length).toArray());
        long[] ops = new long[1];
        DeltaEncoder encoder = new DeltaEncoder(signature, new RecipeSink() {
            @Override
            public void copy(long baseOffset, long length) {
                ops[0]++;
            }

            @Override
            public void literal(byte[] data, int offset, int length) {
                ops[0]++;
            }
        }, null);
        for (int at = 0; at < changed.length; at += FEED) {
            encoder.update(changed, at, Math.min(FEED, changed.length - at));
        }
        encoder.finish();
        return new long[] {encoder.literalBytes(), ops[0]};
    }

    private static byte[] javaSources(Path repository) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(repository)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/target/"))
                    .sorted().toList()) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toByteArray();
    }

    private static byte[] repeatTo(byte[] content, int size) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (all.size() < size) {
            all.writeBytes(content);
        }
        return all.toByteArray();
    }

    /** Inserts a line after {@code count} random line ends. */
    private static byte[] insertLines(byte[] text, int count, Random random) {
        int[] places = random.ints(count, 0, text.length).sorted().toArray();
        ByteArrayOutputStream edited = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i < places.length; i++) {
            int lineEnd = places[i];
            while (lineEnd < text.length && text[lineEnd] != '\n') {
                lineEnd++;
            }
            lineEnd = Math.min(text.length, Math.max(lineEnd + 1, from));
            edited.write(text, from, lineEnd - from);
            edited.writeBytes(("        // inserted line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            from = lineEnd;
        }
        edited.write(text, from, text.length - from);
        return edited.toByteArray();
    }

    private static byte[] overwrite(byte[] content, int at, byte[] with) {
        byte[] result = Arrays.copyOf(content, content.length);
        System.arraycopy(with, 0, result, at, with.length);
        return result;
    }
}
