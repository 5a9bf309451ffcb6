package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured. {@code main} holds the headline quantity, Ferry first, then each
 * baseline in the same unit; {@code details} holds further quantities (peak memory, percentiles,
 * Ferry's own summary times). {@code references} are fixed numbers drawn for context only. A
 * scenario that measures the same things at several sizes puts each size's in a {@link Part}, and
 * names in {@code sideBySide} the series of its parts the report compares part by part.
 */
final class ScenarioResult implements Details {

    /**
     * A number given for context that no run measured (say, another tool's default delay), in the
     * scenario's table and, when {@code charted}, in the chart.
     */
    record Reference(String label, double value, boolean charted) {

        Reference(String label, double value) {
            this(label, value, true);
        }
    }

    /** A titled group of further quantities, reported as a table of its own (scenario 10: one per size). */
    static final class Part implements Details {

        final String title;
        final List<Series> series = new ArrayList<>();

        Part(String title) {
            this.title = title;
        }

        @Override
        public Series detailSeries(String tool, Unit unit) {
            Series made = new Series(tool, unit);
            series.add(made);
            return made;
        }

        /** The series of {@code tool}, or null when this part has none (its size failed before it, say). */
        Series series(String tool) {
            return series.stream().filter(one -> one.tool().equals(tool)).findFirst().orElse(null);
        }
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
    final List<Part> parts = new ArrayList<>();
    /** Names of series of the parts that the report shows side by side, a column per part, a row per name. */
    final List<String> sideBySide = new ArrayList<>();
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

    @Override
    public Series detailSeries(String tool, Unit unit) {
        Series series = new Series(tool, unit);
        details.add(series);
        return series;
    }

    /** A new part, reported after the ones made before it. */
    Part part(String title) {
        Part part = new Part(title);
        parts.add(part);
        return part;
    }

    Series ferry() {
        return main.isEmpty() ? null : main.get(0);
    }

    /**
     * The Ferry series a baseline's is compared with: when the scenario measures several quantities
     * per tool, named "TOOL QUANTITY" ("lsyncd p99"), Ferry's of the same quantity ("Ferry p99");
     * otherwise Ferry's one.
     */
    Series ferryFor(Series baseline) {
        int space = baseline.tool().indexOf(' ');
        Series same = space < 0 ? null : baseline("Ferry" + baseline.tool().substring(space));
        return same != null ? same : ferry();
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
