package dev.ferry.bench;

import java.util.Locale;

/** What a measured number means, and how the report writes it. */
enum Unit {
    SECONDS("s"), MILLISECONDS("ms"), MEBIBYTES("MiB"), FILES_PER_SECOND("files/s"), BYTES_PER_FILE("bytes/file"),
    /** A run's time divided by the files of the tree it ran on: its cost per file, as sizes compare. */
    MICROSECONDS_PER_FILE("µs/file"),
    /** Bytes through the broker divided by the bytes of the files they carried. */
    RATIO_TO_RAW("× raw size"),
    /** CPU seconds per GiB of bytes through the broker. */
    SECONDS_PER_GIB("s/GiB"),
    MESSAGES("messages"),
    QUERIES("queries");

    private final String symbol;

    Unit(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    /** The value with its unit, with as many decimals as its size deserves. */
    String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return number(value) + " " + symbol;
    }

    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return "0";
        }
        String pattern = magnitude >= 100 ? "%,.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
