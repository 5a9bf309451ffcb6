package dev.ferry.cli;

import dev.ferry.broker.DeadLetter;
import dev.ferry.wire.Printable;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Dead-lettered messages as an aligned table, one line each; '-' for what a message does not say. */
final class DeadLetterTable {

    private static final List<String> HEADER = List.of("TIME", "MESSAGE ID", "PATH", "KIND", "REASON");
    private static final String UNKNOWN = "-";

    private DeadLetterTable() {
    }

    static void print(List<DeadLetter> letters, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (DeadLetter letter : letters) {
            rows.add(List.of(time(letter.deadLetteredAt()), printable(letter.messageId()), printable(letter.path()),
                    printable(letter.kind()), printable(letter.reason())));
        }
        Table.print(rows, out);
    }

    private static String time(Instant instant) {
        return instant == null ? UNKNOWN : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * The text made safe for a terminal: reasons and paths come from the message, and a control
     * character in them could break the table or drive the terminal.
     */
    static String printable(String text) {
        return text == null || text.isEmpty() ? UNKNOWN : Printable.escape(text);
    }
}
