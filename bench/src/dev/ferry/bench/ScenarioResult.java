package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured. {@code main} holds the headline quantity, Ferry first, then each
 * baseline in the same unit; {@code details} holds further quantities (peak memory, percentiles,
 * Ferry's own summary times). {@code references} are fixed numbers drawn for context only.
 */
final class ScenarioResult {

    /** A number drawn in the chart for context that no run measured (say, another tool's default delay). */
    record Reference(String label, double value) {
    }

    final int id;
    final String title;
    final String setup;
    final List<Series> main = new ArrayList<>();
    final List<Series> details = new ArrayList<>();
    final List<Reference> references = new ArrayList<>();
    final List<TargetCheck> targets = new ArrayList<>();
    final List<String> method = new ArrayList<>();
    final List<String> runOrder = new ArrayList<>();
    String failure;

    ScenarioResult(int id, String title, String setup) {
        this.id = id;
        this.title = title;
        this.setup = setup;
    }

    Series mainSeries(String tool, Unit unit) {
        Series series = new Series(tool, unit);
        main.add(series);
        return series;
    }

    Series detailSeries(String tool, Unit unit) {
        Series series = new Series(tool, unit);
        details.add(series);
        return series;
    }

    Series ferry() {
        return main.isEmpty() ? null : main.get(0);
    }

    /** The main series of {@code tool}, or null when it was not run. */
    Series baseline(String tool) {
        return main.stream().filter(series -> series.tool().equals(tool)).findFirst().orElse(null);
    }

    /** The detail series of {@code tool}, or null when there is none. */
    Series detail(String tool) {
        return details.stream().filter(series -> series.tool().equals(tool)).findFirst().orElse(null);
    }

    boolean failed() {
        return failure != null;
    }
}
