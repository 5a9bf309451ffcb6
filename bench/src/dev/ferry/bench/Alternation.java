package dev.ferry.bench;

import java.util.List;

/**
 * Runs Ferry and each baseline in turn, repetition by repetition (Ferry, rsync, cp, Ferry, rsync,
 * cp, ...), so that whatever else the machine does at some moment hits every tool alike.
 */
final class Alternation {

    /** One measured run of a tool; returns the measured value. */
    interface Run {
        double measure(int repetition) throws Exception;
    }

    /** A tool taking part: its runs and the series their values go to. */
    record Contender(Series series, Run run) {
    }

    private Alternation() {
    }

    static void run(ScenarioResult result, int repetitions, List<Contender> contenders) throws Exception {
        run(result, "", repetitions, contenders);
    }

    /** {@link #run(ScenarioResult, int, List)}, each line of the run order beginning with {@code label} (a size, say). */
    static void run(ScenarioResult result, String label, int repetitions, List<Contender> contenders)
            throws Exception {
        for (int repetition = 1; repetition <= repetitions; repetition++) {
            for (Contender contender : contenders) {
                double value = contender.run().measure(repetition);
                contender.series().add(value);
                String line = label + "rep " + repetition + ": " + contender.series().tool() + " "
                        + contender.series().unit().format(value) + " (load average after it: "
                        + Machine.loadAverage() + ")";
                result.runOrder.add(line);
                Progress.say("scenario " + result.id + ", " + line);
            }
        }
    }
}
