package dev.ferry.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Ferry process's log says, read line by line: a producer or consumer that copied a million
 * files has logged a line for each, too much to read whole while it runs.
 *
 * <p>Ferry's text log begins every line with the time of day to the millisecond
 * ({@code HH:mm:ss.SSS}, local time; see the cli's {@code Logging}), so how long a process took to
 * log a line is read from the line itself: no polling, and exact to the millisecond however busy
 * the machine is.
 */
final class FerryLog {

    private static final int TIME_LENGTH = "HH:mm:ss.SSS".length();
    private static final long DAY_NANOS = Duration.ofDays(1).toNanos();

    private FerryLog() {
    }

    /**
     * Seconds from the start of {@code process} (JVM start included) to the first line of its log
     * that contains {@code text}, by that line's own time; fails when none does.
     */
    /** Lines of a log that contain one of some texts: how many, and the first of them. */
    record Found(int count, List<String> first) {
    }

    static double secondsUntil(Launched process, String text) {
        String line = firstLineWith(process, text);
        if (line == null) {
            throw new BenchException(process.name() + " never logged '" + text + "'" + process.tail());
        }
        LocalTime started = LocalTime.ofInstant(process.startedAt(), ZoneId.systemDefault());
        long nanos = Duration.between(started, timeOf(process, line)).toNanos();
        // A process started before midnight that logged after it.
        return (nanos < 0 ? nanos + DAY_NANOS : nanos) / 1e9;
    }

    /** The first line of the log of {@code process} that contains {@code text}, or null when none does. */
    static String firstLineWith(Launched process, String text) {
        try (BufferedReader reader = reader(process)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw cannotRead(process, e);
        }
    }

    /** The lines of {@code process}'s log that contain one of {@code texts}: how many, and the first {@code listed}. */
    static Found linesWith(Launched process, List<String> texts, int listed) {
        List<String> first = new ArrayList<>();
        int count = 0;
        try (BufferedReader reader = reader(process)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String read = line;
                if (texts.stream().anyMatch(read::contains)) {
                    count++;
                    if (first.size() < listed) {
                        first.add(line);
                    }
                }
            }
        } catch (IOException e) {
            throw cannotRead(process, e);
        }
        return new Found(count, List.copyOf(first));
    }

    private static BufferedReader reader(Launched process) throws IOException {
        return Files.newBufferedReader(process.log(), StandardCharsets.UTF_8);
    }

    private static BenchException cannotRead(Launched process, IOException e) {
        return new BenchException("cannot read the log of " + process.name() + " in " + process.log() + ": "
                + e.getMessage(), e);
    }

    private static LocalTime timeOf(Launched process, String line) {
        try {
            return LocalTime.parse(line.substring(0, Math.min(TIME_LENGTH, line.length())));
        } catch (DateTimeParseException e) {
            throw new BenchException(process.name() + " logged a line that does not begin with the time of day "
                    + "(was it started with --log-format json?): " + line, e);
        }
    }
}
