package dev.ferry.cli;

import dev.ferry.ignore.IgnoreSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that reads a source tree: which of its paths to leave alone. */
final class IgnoreOptions {

    // Split on line breaks, never commas (a pattern may hold one): FERRY_EXCLUDE takes one
    // pattern per line, and a config file a YAML list.
    @Option(names = "--exclude", paramLabel = "PATTERN", split = "\\n", splitSynopsisLabel = "\\n",
            description = "Ignore the paths this gitignore pattern matches, as a line of SRC/.ferryignore would, "
                    + "and over it (repeatable; '!PATTERN' brings paths back).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--no-default-excludes", fallbackValue = "true",
            description = "Do not ignore editor and OS droppings by default: *.swp, *~, .#*, 4913, .DS_Store, *.tmp.")
    boolean noDefaultExcludes;

    IgnoreSettings settings() {
        return new IgnoreSettings(!noDefaultExcludes, excludes);
    }
}
