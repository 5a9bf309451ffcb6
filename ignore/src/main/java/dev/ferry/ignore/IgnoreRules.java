package dev.ferry.ignore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * Which paths of a tree Ferry leaves alone: patterns in gitignore syntax, matched as git matches
 * them (by JGit's {@link IgnoreNode}).
 *
 * <p>Paths are relative to the tree's root, their segments joined by '/'. As in git, a path is
 * ignored when the last pattern that matches it does not start with '!', or when one of its
 * directories is ignored: nothing inside an ignored directory can be brought back by a negation.
 * Immutable, so any thread may ask.
 */
public final class IgnoreRules {

    /** Ignores nothing. */
    public static final IgnoreRules NONE = new IgnoreRules(new IgnoreNode(), List.of());

    private final IgnoreNode node;
    private final List<Source> sources;

    /**
     * Named lines of gitignore text, such as a file's lines.
     *
     * @param name  where the lines come from, for messages about a bad pattern
     * @param lines the lines, comments and blank lines included
     */
    public record Source(String name, List<String> lines) {
        public Source {
            lines = List.copyOf(lines);
        }
    }

    private IgnoreRules(IgnoreNode node, List<Source> sources) {
        this.node = node;
        this.sources = sources;
    }

    /**
     * The rules of {@code sources}, lowest precedence first: where lines disagree about a path, the
     * last line that matches it decides, as when git reads its exclude files. A pattern git could
     * not use either (such as {@code a[}) matches nothing, and JGit logs it with its source and line.
     */
    public static IgnoreRules of(List<Source> sources) {
        IgnoreNode node = new IgnoreNode();
        for (Source source : sources) {
            byte[] text = String.join("\n", source.lines()).getBytes(StandardCharsets.UTF_8);
            try {
                node.parse(source.name(), new ByteArrayInputStream(text));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read rules from memory", e); // An in-memory stream does not fail.
            }
        }
        return new IgnoreRules(node, List.copyOf(sources));
    }

    /** The sources these rules were made of, in order. */
    public List<Source> sources() {
        return sources;
    }

    /** Whether no pattern at all is in force, so that nothing is ignored. */
    public boolean isEmpty() {
        return node.getRules().isEmpty();
    }

    /** Whether {@code path} is ignored, by a pattern matching it or one of its directories. */
    public boolean isIgnored(String path, boolean isDirectory) {
        if (isEmpty()) {
            return false;
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (isIgnoredEntry(path.substring(0, slash), true)) {
                return true;
            }
        }
        return isIgnoredEntry(path, isDirectory);
    }

    /**
     * Whether a pattern ignores the entry at {@code path} itself, its directories not counted: what
     * a walk of the tree asks, since it never descends into an ignored directory.
     */
    public boolean isIgnoredEntry(String path, boolean isDirectory) {
        return Boolean.TRUE.equals(node.checkIgnored(path, isDirectory));
    }

    @Override
    public String toString() {
        return "ignore rules " + node.getRules();
    }
}
