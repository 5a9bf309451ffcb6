package dev.ferry.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How a long command shows its progress: {@code --progress=auto|bar|lines|none}. */
enum ProgressMode {
    /** A bar when stderr is a terminal, else lines. */
    AUTO,
    /** A live bar on stderr. */
    BAR,
    /** A line in the log every few seconds. */
    LINES,
    /** Nothing but the final summary. */
    NONE;

    /** What {@link #AUTO} means here and now; the other modes mean themselves. */
    ProgressMode resolve() {
        if (this != AUTO) {
            return this;
        }
        return stderrIsTerminal() && !"dumb".equals(System.getenv("TERM")) ? BAR : LINES;
    }

    /**
     * Whether stderr, where the bar goes, is a terminal. Java cannot ask; on Linux, what fd 2 links
     * to says (/dev/pts/N, /dev/ttyN); elsewhere a console means stdin and stdout are terminals,
     * and stderr most likely too.
     */
    private static boolean stderrIsTerminal() {
        Path stderr = Path.of("/proc/self/fd/2");
        if (Files.exists(stderr, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(stderr).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** Reads {@code auto}, {@code bar}, {@code lines} or {@code none}, in any case. */
    static final class Converter implements ITypeConverter<ProgressMode> {
        @Override
        public ProgressMode convert(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of auto, bar, lines, none");
            }
        }
    }
}
