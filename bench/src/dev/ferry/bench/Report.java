package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Writes REPORT.md (and the raw values as results.csv) from what the scenarios measured. */
final class Report {

    /** Everything the report says besides the scenarios themselves. */
    record Header(Mode mode, int runs, String command, Map<String, String> machine, String loadAtStart, String loadAtEnd,
                  double minutes, String jvmOptions, Map<Integer, String> skipped) {
    }

    private final Header header;
    private final List<ScenarioResult> results;
    private final StringBuilder out = new StringBuilder();

    Report(Header header, List<ScenarioResult> results) {
        this.header = header;
        this.results = results;
    }

    void write(Path markdown, Path csv, String chartName) throws IOException {
        title(chartName);
        machine();
        summary();
        for (ScenarioResult result : results) {
            scenario(result);
        }
        Files.writeString(markdown, out, StandardCharsets.UTF_8);
        Files.writeString(csv, csv(), StandardCharsets.UTF_8);
    }

    private void title(String chartName) {
        line("# Ferry benchmark: " + header.mode().name().toLowerCase(Locale.ROOT) + " mode");
        line();
        line("Produced by `" + header.command() + "` on " + header.machine().get("date") + ", in "
                + Unit.number(header.minutes()) + " min. Load average (1/5/15 min) at the start " + header.loadAtStart()
                + ", at the end " + header.loadAtEnd() + ": whatever else ran on the machine ran during Ferry's and "
                + "the baselines' runs alike, because they alternate run by run.");
        line();
        line("Ferry's processes run with the JVM options the `./ferry` launcher gives them "
                + "(`cli/src/main/jvm/jvm.options`, then `jvm-linux.options`): `" + header.jvmOptions() + "`.");
        line();
        line("Medians of " + header.runs() + " run(s) per tool. Raw values: `results.csv`. How to "
                + "read this: `bench/README.md`.");
        line();
        line("![medians per scenario](" + chartName + ")");
        line();
    }

    private void machine() {
        line("## Machine");
        line();
        line("| | |");
        line("|---|---|");
        header.machine().forEach((name, value) -> line("| " + name + " | " + escape(value) + " |"));
        line();
    }

    private void summary() {
        line("## Summary");
        line();
        line("| # | scenario | tool | median | min | max | Ferry ÷ tool |");
        line("|---|---|---|---|---|---|---|");
        SortedSet<Integer> ids = new TreeSet<>(header.skipped().keySet());
        results.forEach(result -> ids.add(result.id));
        for (int id : ids) {
            String skipped = header.skipped().get(id);
            if (skipped != null) {
                line("| " + id + " | not run: " + skipped + " | | | | | |");
            }
            for (ScenarioResult result : results) {
                if (result.id == id) {
                    summaryRows(result);
                }
            }
        }
        line();
        line("| # | target | verdict | numbers (medians) |");
        line("|---|---|---|---|");
        for (ScenarioResult result : results) {
            for (TargetCheck target : result.targets) {
                line("| " + result.id + " | " + target.target() + " | " + target.verdict() + " | "
                        + escape(target.detail()) + " |");
            }
            if (result.failed()) {
                line("| " + result.id + " | (all) | **run failed** | see scenario " + result.id + " below |");
            }
        }
        line();
    }

    private void summaryRows(ScenarioResult result) {
        if (result.main.isEmpty()) {
            line("| " + result.id + " | " + result.title + " | (failed before measuring) | | | | |");
        }
        boolean first = true;
        for (Series series : result.main) {
            boolean isFerry = series.tool().startsWith("Ferry");
            String ratio = isFerry ? "" : ratio(result.ferryFor(series).median(), series.median());
            String scenario = first ? result.id + " | " + result.title : " | ";
            line("| " + scenario + " | " + series.tool() + " | " + series.unit().format(series.median()) + " | "
                    + series.unit().format(series.min()) + " | " + series.unit().format(series.max()) + " | " + ratio
                    + " |");
            first = false;
        }
    }

    private void scenario(ScenarioResult result) {
        line("## " + result.id + ". " + result.title);
        line();
        line("Data: " + result.setup + ".");
        line();
        if (result.failed()) {
            line("**This scenario failed:**");
            line();
            line("```");
            line(result.failure);
            line("```");
            line();
        }
        seriesTable(result.main, result.details);
        for (ScenarioResult.Reference reference : result.references) {
            line("| " + reference.label() + " (for context, not measured) | | "
                    + referenceUnit(result).format(reference.value()) + " | | |");
        }
        line();
        sideBySide(result);
        if (!result.targets.isEmpty()) {
            line("Targets:");
            line();
            for (TargetCheck target : result.targets) {
                line("- " + target.target() + ": " + target.verdict() + ". " + target.detail() + ".");
            }
            line();
        }
        line("Method:");
        line();
        for (String step : result.method) {
            line("- " + step);
        }
        line();
        for (ScenarioResult.Part part : result.parts) {
            line("### " + part.title);
            line();
            seriesTable(part.series);
            line();
        }
        if (!result.runOrder.isEmpty()) {
            line("<details><summary>Runs in the order they ran</summary>");
            line();
            for (String run : result.runOrder) {
                line("- " + run);
            }
            line();
            line("</details>");
            line();
        }
    }

    /** A table of series with their runs, median, min and max, group after group. */
    @SafeVarargs
    private void seriesTable(List<Series>... groups) {
        line("| measured | runs | median | min | max |");
        line("|---|---|---|---|---|");
        for (List<Series> group : groups) {
            for (Series series : group) {
                line("| " + escape(series.tool()) + " | " + series.values().size() + " | "
                        + series.unit().format(series.median()) + " | " + series.unit().format(series.min()) + " | "
                        + series.unit().format(series.max()) + " |");
            }
        }
    }

    /** The series the scenario named, a column per part (its median there), when it has parts. */
    private void sideBySide(ScenarioResult result) {
        if (result.sideBySide.isEmpty() || result.parts.isEmpty()) {
            return;
        }
        line("Side by side (medians; \"n/a\" where it was not measured):");
        line();
        StringBuilder header = new StringBuilder("| measured |");
        StringBuilder rule = new StringBuilder("|---|");
        for (ScenarioResult.Part part : result.parts) {
            header.append(' ').append(escape(part.title)).append(" |");
            rule.append("---|");
        }
        line(header.toString());
        line(rule.toString());
        for (String name : result.sideBySide) {
            StringBuilder row = new StringBuilder("| ").append(escape(name)).append(" |");
            for (ScenarioResult.Part part : result.parts) {
                Series series = part.series(name);
                row.append(' ').append(series == null ? "n/a" : series.unit().format(series.median())).append(" |");
            }
            line(row.toString());
        }
        line();
    }

    /** The unit of a scenario's references: that of its headline quantity (milliseconds when it has none). */
    private static Unit referenceUnit(ScenarioResult result) {
        return result.main.isEmpty() ? Unit.MILLISECONDS : result.main.get(0).unit();
    }

    private String csv() {
        StringBuilder csv = new StringBuilder("scenario,measured,unit,run,value\n");
        for (ScenarioResult result : results) {
            for (List<Series> group : List.of(result.main, result.details)) {
                for (Series series : group) {
                    csvRows(csv, result.id, "", series);
                }
            }
            for (ScenarioResult.Part part : result.parts) {
                for (Series series : part.series) {
                    csvRows(csv, result.id, part.title + ": ", series);
                }
            }
        }
        return csv.toString();
    }

    private static void csvRows(StringBuilder csv, int id, String prefix, Series series) {
        List<Double> values = series.values();
        for (int i = 0; i < values.size(); i++) {
            csv.append(id).append(",\"").append((prefix + series.tool()).replace("\"", "'")).append("\",")
                    .append(series.unit().symbol()).append(',').append(i + 1).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", values.get(i))).append('\n');
        }
    }

    /** How many times the baseline's value Ferry's is (for rates: how many times the baseline's rate). */
    static String ratio(double ferry, double baseline) {
        if (Double.isNaN(ferry) || Double.isNaN(baseline) || baseline == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", ferry / baseline);
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private void line() {
        out.append('\n');
    }
}
