package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks through every file under a directory (a broker's data directory: KahaDB's journal, index
 * and redo log) for what must not be there: given texts, such as file names, and any run of
 * {@value #RUN} bytes of given contents.
 *
 * <p>Both searches are exhaustive, not sampled: a text is looked for at every byte offset of every
 * file, and so is every 16-byte run of every content, at every offset of the content. The contents
 * are the smaller side (a test tree of a few MiB), so it is they that are indexed, all their runs,
 * in a hash table of positions (some 4 bytes per run); each offset of the store is then one lookup.
 * Sampling the runs at every 8th offset, say, would only find leaks of 23 bytes or more, and
 * indexing the store instead would take some 40 bytes of memory per byte of a 32 MiB journal file.
 */
final class StoreScan {

    /** The length of a run of contents looked for: shorter runs of random bytes occur by chance. */
    static final int RUN = 16;

    /** Text is looked for as UTF-8 (how OpenWire writes strings) and, in case, as UTF-16 either way. */
    private static final List<Charset> TEXT_ENCODINGS = List.of(StandardCharsets.UTF_8,
            StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE);

    private final Map<Path, byte[]> files = new LinkedHashMap<>();

    private StoreScan() {
    }

    /** Every regular file under {@code directory}, read now. */
    static StoreScan of(Path directory) {
        StoreScan scan = new StoreScan();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path file : paths.filter(Files::isRegularFile).sorted().toList()) {
                scan.files.put(directory.relativize(file), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the files under " + directory, e);
        }
        return scan;
    }

    /** How many bytes the files scanned hold together. */
    long bytes() {
        return files.values().stream().mapToLong(bytes -> bytes.length).sum();
    }

    int fileCount() {
        return files.size();
    }

    /** Where each of {@code texts} occurs, one line per occurrence found (the first in each file and encoding). */
    List<String> textsFound(Collection<String> texts) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<Path, byte[]> file : files.entrySet()) {
            // One byte to one char: String.indexOf then searches bytes, and fast.
            String content = new String(file.getValue(), StandardCharsets.ISO_8859_1);
            for (String text : texts) {
                for (Charset encoding : TEXT_ENCODINGS) {
                    int at = content.indexOf(new String(text.getBytes(encoding), StandardCharsets.ISO_8859_1));
                    if (at >= 0) {
                        found.add("\"" + text + "\" (" + encoding + ") in " + file.getKey() + " at " + at);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Where a run of {@value #RUN} bytes of one of {@code contents} (by name) occurs, one line per
     * file and content (its first occurrence).
     */
    List<String> runsFound(Map<String, byte[]> contents) {
        RunIndex index = new RunIndex(contents);
        List<String> found = new ArrayList<>();
        for (Map.Entry<Path, byte[]> file : files.entrySet()) {
            byte[] bytes = file.getValue();
            List<String> namesFound = new ArrayList<>();
            for (int at = 0; at + RUN <= bytes.length; at++) {
                int run = index.find(bytes, at);
                if (run >= 0 && !namesFound.contains(index.nameAt(run))) {
                    namesFound.add(index.nameAt(run));
                    found.add("bytes " + index.offsetAt(run) + ".." + (index.offsetAt(run) + RUN) + " of "
                            + index.nameAt(run) + " in " + file.getKey() + " at " + at);
                }
            }
        }
        return found;
    }

    /**
     * Every run of {@value #RUN} bytes of some contents, by where it starts: open addressing with
     * linear probing over a table at most half full, keyed by the run's two longs.
     */
    private static final class RunIndex {

        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);

        private final byte[] data; // The contents one after the other.
        private final int[] starts; // Where each content starts in data.
        private final String[] names;
        private final int[] slots; // 1 + where a run starts in data; 0: an empty slot.
        private final int mask;

        RunIndex(Map<String, byte[]> contents) {
            names = contents.keySet().toArray(String[]::new);
            starts = new int[names.length];
            long total = 0;
            long runs = 0;
            for (byte[] content : contents.values()) {
                total += content.length;
                runs += Math.max(0, content.length - RUN + 1);
            }
            if (runs > (1 << 26)) {
                throw new IllegalArgumentException(runs + " runs are too many to index");
            }
            data = new byte[(int) total];
            int capacity = Integer.highestOneBit((int) Math.max(16, runs * 2 - 1)) << 1;
            slots = new int[capacity];
            mask = capacity - 1;
            int offset = 0;
            int i = 0;
            for (byte[] content : contents.values()) {
                System.arraycopy(content, 0, data, offset, content.length);
                starts[i++] = offset;
                for (int run = offset; run + RUN <= offset + content.length; run++) {
                    int slot = slot(long0(data, run), long1(data, run));
                    while (slots[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    slots[slot] = run + 1;
                }
                offset += content.length;
            }
        }

        /** Where in the contents the run at {@code at} in {@code bytes} is, or -1 when it is not. */
        int find(byte[] bytes, int at) {
            long first = long0(bytes, at);
            long second = long1(bytes, at);
            for (int slot = slot(first, second); slots[slot] != 0; slot = (slot + 1) & mask) {
                int run = slots[slot] - 1;
                if (long0(data, run) == first && long1(data, run) == second) {
                    return run;
                }
            }
            return -1;
        }

        String nameAt(int run) {
            return names[contentAt(run)];
        }

        int offsetAt(int run) {
            return run - starts[contentAt(run)];
        }

        private int contentAt(int run) {
            int content = 0;
            while (content + 1 < starts.length && starts[content + 1] <= run) {
                content++;
            }
            return content;
        }

        private int slot(long first, long second) {
            long hash = first * 0x9E3779B97F4A7C15L + second;
            hash = (hash ^ (hash >>> 31)) * 0xBF58476D1CE4E5B9L;
            return (int) (hash ^ (hash >>> 29)) & mask;
        }

        private static long long0(byte[] bytes, int at) {
            return (long) LONGS.get(bytes, at);
        }

        private static long long1(byte[] bytes, int at) {
            return (long) LONGS.get(bytes, at + 8);
        }
    }
}
