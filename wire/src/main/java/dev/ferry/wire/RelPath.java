package dev.ferry.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A path relative to the replicated root, as it travels on the wire: segments joined by '/'.
 *
 * <p>This is the single path-safety check of Ferry. Every path that reaches the destination is
 * a {@code RelPath}, and a {@code RelPath} can only be built from text that cannot name anything
 * outside the root: no absolute paths, no empty, "." or ".." segments, no NUL bytes, and nothing
 * under {@link #RESERVED_ROOT}, where the consumer keeps its own bookkeeping. It must also be
 * well-formed Unicode, so that it can become a file name at all.
 */
public final class RelPath implements Comparable<RelPath> {

    /** The top-level directory name the consumer reserves for its staging area and ledger. */
    public static final String RESERVED_ROOT = ".ferry";

    static final int MAX_BYTES = 4096;
    static final int MAX_SEGMENT_BYTES = 255;

    private final String text;

    private RelPath(String text) {
        this.text = text;
    }

    /**
     * Validates wire text as a relative path.
     *
     * @throws IllegalArgumentException naming the reason when the text is not a safe relative path
     */
    @JsonCreator
    public static RelPath of(String text) {
        Objects.requireNonNull(text, "path");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL byte: " + printable(text));
        }
        if (!isValidUnicode(text)) {
            // A lone surrogate names no file: Java cannot turn it into a path, so nothing could apply it.
            throw new IllegalArgumentException("path is not valid Unicode (lone surrogate): " + printable(text));
        }
        if (text.startsWith("/")) {
            throw new IllegalArgumentException("absolute path: " + printable(text));
        }
        if (utf8Length(text) > MAX_BYTES) {
            throw new IllegalArgumentException("path longer than " + MAX_BYTES + " bytes");
        }
        String[] segments = text.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "path has an empty, '.' or '..' segment: " + printable(text));
            }
            if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("path segment longer than "
                        + MAX_SEGMENT_BYTES + " bytes: " + printable(text));
            }
        }
        if (segments[0].equals(RESERVED_ROOT)) {
            throw new IllegalArgumentException("path is under the reserved " + RESERVED_ROOT
                    + " directory: " + printable(text));
        }
        return new RelPath(text);
    }

    /**
     * Whether {@code name} can be one segment of a path: not empty, ".", ".." or longer than
     * {@value #MAX_SEGMENT_BYTES} bytes in UTF-8, without '/' or NUL, and well-formed Unicode.
     */
    static boolean isName(String name) {
        int bytes = name == null ? -1 : utf8Length(name);
        return bytes > 0 && bytes <= MAX_SEGMENT_BYTES && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    /** The length of {@code text} in UTF-8 bytes, or -1 when it holds a lone surrogate. */
    static int utf8Bytes(String text) {
        return utf8Length(text);
    }

    /** Whether {@code text} is well-formed UTF-16, so it can be encoded as a file name. */
    static boolean isValidUnicode(String text) {
        return utf8Length(text) >= 0;
    }

    /** The length of {@code text} in UTF-8, or -1 when it holds a lone surrogate; without encoding it. */
    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return -1;
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The relative path of {@code file} under {@code root}; both must be normalized absolute paths. */
    public static RelPath between(Path root, Path file) {
        Path relative = root.relativize(file);
        StringBuilder text = new StringBuilder();
        for (Path segment : relative) {
            if (text.length() > 0) {
                text.append('/');
            }
            text.append(segment);
        }
        return of(text.toString());
    }

    /** Resolves this path under {@code root}; the result is guaranteed to stay inside {@code root}. */
    public Path resolveUnder(Path root) {
        Path resolved = root;
        for (String segment : text.split("/")) {
            resolved = resolved.resolve(segment);
        }
        if (!resolved.normalize().startsWith(root.normalize())) {
            // Unreachable given the checks in of(); kept because a miss here would be a breach.
            throw new IllegalStateException("path escapes the root: " + printable(text));
        }
        return resolved;
    }

    /** The first segment: the entry directly under the root that contains this path. */
    public String topLevel() {
        int slash = text.indexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }

    /** The parent path, or {@code null} for an entry directly under the root. */
    public RelPath parent() {
        int slash = text.lastIndexOf('/');
        return slash < 0 ? null : new RelPath(text.substring(0, slash));
    }

    /** The last segment. */
    public String name() {
        return text.substring(text.lastIndexOf('/') + 1);
    }

    /** A child of this path; {@code name} must be a single valid segment. */
    public RelPath child(String name) {
        int nameBytes = utf8Length(name);
        if (nameBytes > 0 && nameBytes <= MAX_SEGMENT_BYTES && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0
                && utf8Length(text) + 1 + nameBytes <= MAX_BYTES) {
            // What of() would check, minus what this path passed already: the tree walk's common case.
            return new RelPath(text + "/" + name);
        }
        return of(text + "/" + name); // Names what is wrong.
    }

    /** Whether {@code other} is this path or lies below it. */
    public boolean contains(RelPath other) {
        return other.text.equals(text) || other.text.startsWith(text + "/");
    }

    /** The path {@code descendant} would have if this path were renamed to {@code newBase}. */
    public RelPath rebase(RelPath descendant, RelPath newBase) {
        if (!contains(descendant)) {
            throw new IllegalArgumentException(descendant + " is not under " + this);
        }
        return new RelPath(newBase.text + descendant.text.substring(text.length()));
    }

    @JsonValue
    public String text() {
        return text;
    }

    private static String printable(String text) {
        String shown = text.replace("\0", "\\0");
        return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
    }

    @Override
    public int compareTo(RelPath other) {
        return text.compareTo(other.text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelPath other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
