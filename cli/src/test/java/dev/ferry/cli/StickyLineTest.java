package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Given a progress bar on the terminal, when a log line is written, then it goes above the bar. */
class StickyLineTest {

    @Test
    void logLinesEraseTheBarPrintAboveItAndTheBarComesBack() {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(screen, true, StandardCharsets.UTF_8);
        PrintStream before = System.err;
        StickyLine sticky = StickyLine.install(terminal);
        try {
            sticky.show("[bar 10%]");
            System.err.print("INFO published put a.txt\n");
            sticky.show("[bar 20%]");
            sticky.release();
        } finally {
            System.setErr(before);
        }

        assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r\033[2K[bar 10%]" + "\r\033[2KINFO published put a.txt\n[bar 10%]" + "\r\033[2K[bar 20%]" + "\n");
        assertThat(System.err).isSameAs(before);
    }
}
