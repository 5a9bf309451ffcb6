package dev.ferry.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * A line kept at the bottom of the terminal (the progress bar) while log lines scroll above it:
 * whatever is written to {@code System.err} meanwhile first erases the line, and the line is drawn
 * again after it. Logback's console appender writes through {@code System.err} as it is at each
 * write, so installing this in its place is enough.
 */
final class StickyLine {

    private static final String ERASE_LINE = "\r\033[2K";

    private final PrintStream terminal;
    private final PrintStream previous;
    private final Object lock = new Object();
    private String line; // Guarded by lock; null when none is shown.
    private boolean atLineStart = true; // Guarded by lock: whether others' output ended its line.

    private StickyLine(PrintStream terminal) {
        this.terminal = terminal;
        this.previous = System.err;
    }

    /** Puts a sticky line on {@code terminal}, which is {@code System.err}, and routes {@code System.err} around it. */
    static StickyLine install(PrintStream terminal) {
        StickyLine sticky = new StickyLine(terminal);
        System.setErr(new PrintStream(sticky.new Others(), true, Charset.defaultCharset()));
        return sticky;
    }

    /** Draws {@code text} as the sticky line, in place of the one before. */
    void show(String text) {
        synchronized (lock) {
            line = text;
            if (atLineStart) {
                terminal.print(ERASE_LINE + text);
                terminal.flush();
            }
        }
    }

    /** Leaves the last line where it is, ends it, and gives {@code System.err} back. */
    void release() {
        synchronized (lock) {
            if (line != null && atLineStart) {
                terminal.println();
                terminal.flush();
            }
            line = null;
            System.setErr(previous);
        }
    }

    /** What others write to System.err: printed above the sticky line. */
    private final class Others extends OutputStream {

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (length == 0) {
                return;
            }
            synchronized (lock) {
                if (line != null && atLineStart) {
                    terminal.print(ERASE_LINE);
                }
                terminal.write(bytes, offset, length);
                atLineStart = bytes[offset + length - 1] == '\n';
                if (line != null && atLineStart) {
                    terminal.print(line);
                }
                terminal.flush();
            }
        }

        @Override
        public void flush() {
            terminal.flush();
        }
    }
}
