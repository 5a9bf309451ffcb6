package dev.ferry.bench;

/** One of the scenarios of the benchmark (issue 5, and the issues after it). */
interface Scenario {

    int id();

    /** Why {@code mode} does not run this scenario, or null when it does. */
    default String skipReason(Mode mode) {
        return null;
    }

    /**
     * Why {@code mode} runs this scenario only when {@code --scenarios} names it (it takes too long
     * to come with every run of the mode), or null when it runs with the others.
     */
    default String skipUnlessNamed(Mode mode) {
        return null;
    }

    /**
     * Measures the scenario. Whatever it starts is started through {@code context.launcher}, so
     * it is ended whatever happens.
     *
     * @param result where the measurements go, filled in as they are taken, so a failure part-way
     *               still reports what was measured before it
     */
    void run(BenchContext context, ScenarioResult result) throws Exception;

    /** A result with the scenario's title and the description of its data for {@code mode}. */
    ScenarioResult describe(Mode mode);
}
