package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;

/** The values one tool produced for one quantity in one scenario, in the order they were measured. */
final class Series {

    private final String tool;
    private final Unit unit;
    private final List<Double> values = new ArrayList<>();

    Series(String tool, Unit unit) {
        this.tool = tool;
        this.unit = unit;
    }

    String tool() {
        return tool;
    }

    Unit unit() {
        return unit;
    }

    void add(double value) {
        values.add(value);
    }

    void addAll(List<Double> more) {
        values.addAll(more);
    }

    List<Double> values() {
        return List.copyOf(values);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    double median() {
        return Stats.median(values);
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
