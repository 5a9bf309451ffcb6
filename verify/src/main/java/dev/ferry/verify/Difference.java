package dev.ferry.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One way in which the destination differs from the source at one path.
 *
 * @param path   the path relative to both roots, segments joined by '/'
 * @param kind   what differs
 * @param source the source's side in a few words (a size, a mode, a time, a hash...), or null
 *               when the path is not there
 * @param dest   the destination's side, or null when the path is not there
 */
public record Difference(String path, Kind kind, String source, String dest) {

    /** What differs. */
    public enum Kind {
        MISSING("missing"), EXTRA("extra"), TYPE("type"), SIZE("size"), CONTENT("content"), MODE("mode"),
        MTIME("mtime"), TARGET("target"), UNREADABLE("unreadable");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** The kind in a word, as the JSON output names it. */
        public String word() {
            return word;
        }
    }

    public Difference {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * How {@code dest} differs from {@code source} at {@code path}: nothing when they are equal,
     * else one difference per attribute. Contents are compared only when both entries carry their
     * hash; either entry may be null for "not there".
     */
    public static List<Difference> between(String path, TreeEntry source, TreeEntry dest) {
        List<Difference> differences = new ArrayList<>();
        if (source == null && dest == null) {
            return differences;
        }
        if (dest == null) {
            differences.add(new Difference(path, Kind.MISSING, source.describe(), null));
        } else if (source == null) {
            differences.add(new Difference(path, Kind.EXTRA, null, dest.describe()));
        } else if (source.type() != dest.type()) {
            differences.add(new Difference(path, Kind.TYPE, source.type().word(), dest.type().word()));
        } else {
            compareAttributes(path, source, dest, differences);
        }
        return differences;
    }

    private static void compareAttributes(String path, TreeEntry source, TreeEntry dest, List<Difference> differences) {
        if (source.size() != dest.size()) {
            differences.add(new Difference(path, Kind.SIZE, Long.toString(source.size()), Long.toString(dest.size())));
        } else if (source.sha256() != null && dest.sha256() != null && !source.sha256().equals(dest.sha256())) {
            differences.add(new Difference(path, Kind.CONTENT, source.sha256(), dest.sha256()));
        }
        if (source.mode() != dest.mode()) {
            differences.add(new Difference(path, Kind.MODE, TreeEntry.octal(source.mode()), TreeEntry.octal(dest.mode())));
        }
        if (source.mtimeMillis() != dest.mtimeMillis()) {
            differences.add(new Difference(path, Kind.MTIME, TreeEntry.time(source.mtimeMillis()),
                    TreeEntry.time(dest.mtimeMillis())));
        }
        if (!Objects.equals(source.target(), dest.target())) {
            differences.add(new Difference(path, Kind.TARGET, source.target(), dest.target()));
        }
    }

    /** A difference found by not being able to look: {@code side} is "source" or "dest". */
    static Difference unreadable(String path, String side, String reason) {
        return side.equals("source") ? new Difference(path, Kind.UNREADABLE, reason, null)
                : new Difference(path, Kind.UNREADABLE, null, reason);
    }

    /**
     * The difference as one line, the path last: "missing on dest: a/b.txt", "differs (size 10 vs
     * 12): x", "mode 0644 vs 0600: y". A directory's path ends in '/'.
     */
    @Override
    public String toString() {
        return switch (kind) {
            case MISSING -> "missing on dest: " + path + slashIfDirectory(source);
            case EXTRA -> "extra on dest: " + path + slashIfDirectory(dest);
            case TYPE -> "type " + source + " vs " + dest + ": " + path;
            case SIZE -> "differs (size " + source + " vs " + dest + "): " + path;
            case CONTENT -> "differs (sha256 " + abbreviated(source) + " vs " + abbreviated(dest) + "): " + path;
            case MODE -> "mode " + source + " vs " + dest + ": " + path;
            case MTIME -> "mtime " + source + " vs " + dest + ": " + path;
            case TARGET -> "symlink target '" + source + "' vs '" + dest + "': " + path;
            case UNREADABLE -> "cannot read on " + (source != null ? "source (" + source : "dest (" + dest) + "): " + path;
        };
    }

    /** A missing or extra directory is one line for all it holds; the slash says so. */
    private static String slashIfDirectory(String description) {
        return TreeEntry.Type.DIRECTORY.word().equals(description) ? "/" : "";
    }

    private static String abbreviated(String sha256) {
        return sha256.substring(0, Math.min(12, sha256.length())) + "…";
    }
}
