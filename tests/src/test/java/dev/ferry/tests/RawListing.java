package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A tree's entries as the file system holds them: type, path and symbolic link target as raw
 * bytes, listed by {@code find(1)} rather than decoded by Java. Names that print alike (composed
 * and decomposed "é") or that a lossy decoding would merge stay apart here, as they are on disk.
 * Where TreeSnapshot judges what Ferry replicates, this judges the one thing it must never alter:
 * the bytes of a name.
 */
final class RawListing {

    private static final Duration FIND = Duration.ofSeconds(30);

    /**
     * One entry: {@code type} as find's {@code %y} says it ({@code f}, {@code d}, {@code l}), the
     * path relative to the root and the link target (empty unless a link). Path and target hold
     * their bytes as ISO-8859-1 text, one char per byte, so equality and order are the bytes'.
     */
    record Entry(char type, String path, String target) implements Comparable<Entry> {

        /** The entry a test means to create, its path and target given as text (encoded as UTF-8). */
        static Entry of(char type, String path, String target) {
            return new Entry(type, bytesOf(path), bytesOf(target));
        }

        @Override
        public int compareTo(Entry other) {
            int byPath = path.compareTo(other.path);
            return byPath != 0 ? byPath : toString().compareTo(other.toString());
        }

        /** ASCII only: every other character as its code point, a byte that is not UTF-8 as {@code \xNN}. */
        @Override
        public String toString() {
            return type + " " + printable(path) + (target.isEmpty() ? "" : " -> " + printable(target));
        }
    }

    private final Path root;
    private final TreeSet<Entry> entries;

    private RawListing(Path root, Collection<Entry> entries) {
        this.root = root;
        this.entries = new TreeSet<>(entries);
    }

    /** What {@code root} holds now, below itself; a root that does not exist holds nothing. */
    static RawListing of(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return new RawListing(root, List.of());
        }
        return new RawListing(root, parse(find(root)));
    }

    /** The listing a test means {@code root} to have. */
    static RawListing expected(Path root, Collection<Entry> entries) {
        return new RawListing(root, entries);
    }

    int size() {
        return entries.size();
    }

    /** How this tree differs from {@code expected}, one line per entry that only one of them has. */
    List<String> differencesFrom(RawListing expected) {
        List<String> differences = new ArrayList<>();
        for (Entry entry : expected.entries) {
            if (!entries.contains(entry)) {
                differences.add("missing    " + entry);
            }
        }
        for (Entry entry : entries) {
            if (!expected.entries.contains(entry)) {
                differences.add("unexpected " + entry);
            }
        }
        return differences;
    }

    /** A report for a failed comparison: the differences, then both listings. */
    String differenceReport(RawListing expected) {
        StringBuilder report = new StringBuilder()
                .append(root).append(" differs from ").append(expected.root).append(" by the bytes of its names:\n");
        differencesFrom(expected).forEach(line -> report.append("  ").append(line).append('\n'));
        report.append("what ").append(expected.root).append(" holds:\n");
        expected.entries.forEach(entry -> report.append("  ").append(entry).append('\n'));
        return report.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawListing other && other.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.size() + " entries in " + root;
    }

    /** {@code find ROOT -mindepth 1 -printf '%y\0%P\0%l\0'}: three NUL-ended fields per entry. */
    private static byte[] find(Path root) {
        return Command.run(root, FIND, "find", root.toString(), "-mindepth", "1", "-printf", "%y\\0%P\\0%l\\0")
                .orFail().stdout();
    }

    private static List<Entry> parse(byte[] output) {
        String[] fields = new String(output, ISO_8859_1).split("\0", -1);
        List<Entry> parsed = new ArrayList<>();
        // The output ends with a NUL, so the split leaves one empty field after the last triple.
        for (int i = 0; i + 2 < fields.length; i += 3) {
            parsed.add(new Entry(fields[i].charAt(0), fields[i + 1], fields[i + 2]));
        }
        return parsed;
    }

    private static String bytesOf(String text) {
        return new String(text.getBytes(UTF_8), ISO_8859_1);
    }

    private static String printable(String bytes) {
        byte[] raw = bytes.getBytes(ISO_8859_1);
        try {
            return UnicodeNames.printable(UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString());
        } catch (CharacterCodingException notUtf8) {
            StringBuilder shown = new StringBuilder();
            for (byte b : raw) {
                int unsigned = b & 0xff;
                shown.append(unsigned >= 0x20 && unsigned < 0x7f && unsigned != '\\'
                        ? String.valueOf((char) unsigned) : String.format("\\x%02x", unsigned));
            }
            return shown.toString();
        }
    }
}
