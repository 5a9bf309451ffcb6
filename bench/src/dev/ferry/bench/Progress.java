package dev.ferry.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** One line per step on stdout, so whoever runs the benchmark sees it move. */
final class Progress {

    private Progress() {
    }

    static void say(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " bench: " + line);
        System.out.flush();
    }
}
