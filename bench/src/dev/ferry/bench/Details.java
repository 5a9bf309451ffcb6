package dev.ferry.bench;

/**
 * Where a scenario puts quantities beside its headline: its own details, or one part of them (see
 * {@link ScenarioResult.Part}).
 */
interface Details {

    /** A new, empty series of {@code tool}'s values, in the order they are added to this. */
    Series detailSeries(String tool, Unit unit);
}
