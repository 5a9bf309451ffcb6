package dev.ferry.ignore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the ignore rules of a tree come from, lowest precedence first: the built-in
 * {@link #DEFAULT_EXCLUDES}, then the tree's own {@value #FILE_NAME}, then the {@code --exclude}
 * patterns. A later pattern overrides an earlier one, so {@code !*.tmp} in {@value #FILE_NAME}
 * brings back what a default ignores.
 *
 * @param defaultExcludes whether the built-in defaults apply
 * @param excludes        further gitignore lines, one pattern each
 */
public record IgnoreSettings(boolean defaultExcludes, List<String> excludes) {

    /** The file at the root of a source tree whose lines are ignore rules; itself replicated like any file. */
    public static final String FILE_NAME = ".ferryignore";

    /**
     * What editors and operating systems leave beside the files people edit: vim's swap files and
     * the file it creates to test whether a directory is writable ({@code 4913}), backup files
     * ({@code *~}), Emacs lock files ({@code .#*}), macOS's {@code .DS_Store}, and temporary files.
     */
    public static final List<String> DEFAULT_EXCLUDES = List.of("*.swp", "*~", ".#*", "4913", ".DS_Store", "*.tmp");

    /** The defaults, and nothing more. */
    public static final IgnoreSettings DEFAULTS = new IgnoreSettings(true, List.of());

    public IgnoreSettings {
        excludes = List.copyOf(Objects.requireNonNull(excludes, "excludes"));
        for (String pattern : excludes) {
            if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("exclude pattern '" + pattern.strip() + "' spans several lines;"
                        + " give one --exclude per pattern");
            }
        }
    }

    /** The rules of the tree at {@code root}, with its {@value #FILE_NAME} as it is now. */
    public IgnoreRules rulesFor(Path root) throws IOException {
        return rulesWith(IgnoreFile.read(root));
    }

    /** The rules with {@code file} as the tree's {@value #FILE_NAME}. */
    public IgnoreRules rulesWith(IgnoreFile file) {
        List<IgnoreRules.Source> sources = new ArrayList<>();
        if (defaultExcludes) {
            sources.add(new IgnoreRules.Source("the default excludes", DEFAULT_EXCLUDES));
        }
        sources.add(new IgnoreRules.Source(file.path().toString(), file.lines()));
        sources.add(new IgnoreRules.Source("--exclude", excludes));
        return IgnoreRules.of(sources);
    }
}
