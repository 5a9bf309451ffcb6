package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The benchmark of issue 5: Ferry against rsync and cp on the same machine in the same run.
 * Started by {@code bench/run}, which builds Ferry, installs rsync and lsyncd and makes the work directory;
 * see {@code bench/README.md}.
 *
 * <pre>
 * java -cp CLASSES:ferry.jar dev.ferry.bench.Bench --quick|--full [--scenarios 1,3,4]
 *      --jar ferry.jar --work DIR --out DIR [--repo DIR] [--command "bench/run ..."]
 * </pre>
 *
 * Exit status 0 when every scenario ran and every copy was checked equal to its source (missed
 * targets are reported, not failed), 1 when a scenario failed, 2 for a usage error.
 */
public final class Bench {

    private static final Map<Integer, Scenario> SCENARIOS = scenarios();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options) ? 0 : 1);
    }

    private static boolean run(Options options) throws Exception {
        long started = System.nanoTime();
        String loadAtStart = Machine.loadAverage();
        Files.createDirectories(options.out());
        Launcher launcher = new Launcher(options.work().resolve("logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(launcher)));
        FerryCommand ferry = FerryCommand.fromEnvironment(options.jar());
        Tools tools = Tools.detect(launcher);
        Map<String, String> machine = Machine.describe(options.work(), tools);
        Map<Integer, ScenarioResult> done = new TreeMap<>();
        Map<Integer, String> skipped = new LinkedHashMap<>();
        BenchContext context = new BenchContext(options.mode(), options.runs(), options.work(), launcher, ferry, tools, done,
                options.repository());
        Progress.say(options.mode().flag().substring(2) + " mode, scenarios " + options.scenarios() + ", work in "
                + options.work() + ", load " + loadAtStart);

        for (int id : options.scenarios()) {
            Scenario scenario = SCENARIOS.get(id);
            String skip = scenario.skipReason(options.mode());
            if (skip == null && !options.named()) {
                skip = scenario.skipUnlessNamed(options.mode());
            }
            if (skip != null) {
                skipped.put(id, skip);
                Progress.say("scenario " + id + " skipped: " + skip);
                continue;
            }
            ScenarioResult result = scenario.describe(options.mode());
            Progress.say("scenario " + id + ": " + result.title + " (" + result.setup + ")");
            try {
                scenario.run(context, result);
            } catch (Exception | AssertionError e) {
                result.failure = e instanceof BenchException ? e.getMessage() : e.toString();
                Progress.say("scenario " + id + " FAILED: " + result.failure);
            } finally {
                launcher.close();
            }
            done.put(id, result);
        }

        List<ScenarioResult> results = new ArrayList<>(done.values());
        double minutes = (System.nanoTime() - started) / 60e9;
        Report.Header header = new Report.Header(options.mode(), options.runs(), options.command(), machine, loadAtStart,
                Machine.loadAverage(), minutes, ferry.describeOptions(), skipped);
        new Report(header, results).write(options.out().resolve("REPORT.md"), options.out().resolve("results.csv"),
                "chart.png");
        Chart.write(results, "Ferry vs rsync, cp and lsyncd: medians (" + options.mode().flag().substring(2) + " mode, "
                + machine.get("date") + ")", options.out().resolve("chart.png"));
        Progress.say("wrote " + options.out().resolve("REPORT.md") + " and chart.png");
        return results.stream().noneMatch(ScenarioResult::failed);
    }

    private static Map<Integer, Scenario> scenarios() {
        Map<Integer, Scenario> all = new TreeMap<>();
        for (Scenario scenario : List.of(new InitialSync(1), new InitialSync(2), new LargeFile(), new ChangeLatency(),
                new NoopRestart(), new Replay(), new RepairUntouched(), new LargeFileDelta(), new TextCompression(),
                new MillionFiles())) {
            all.put(scenario.id(), scenario);
        }
        return all;
    }

    private static void closeQuietly(Launcher launcher) {
        try {
            launcher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command line; {@code named} when {@code --scenarios} chose the scenarios, rather than the default of all. */
    record Options(Mode mode, int runs, SortedSet<Integer> scenarios, boolean named, Path jar, Path work, Path out,
                   Path repository, String command) {

        static Options parse(String[] args) throws IOException {
            Mode mode = Mode.QUICK;
            SortedSet<Integer> scenarios = null;
            Integer runs = null;
            Path jar = null;
            Path work = null;
            Path out = null;
            Path repository = null;
            String command = "bench/run " + String.join(" ", args);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> mode = Mode.QUICK;
                    case "--full" -> mode = Mode.FULL;
                    case "--scenarios" -> scenarios = scenarioList(value(args, ++i, "--scenarios"));
                    case "--runs" -> runs = positive(value(args, ++i, "--runs"), "--runs");
                    case "--jar" -> jar = Path.of(value(args, ++i, "--jar"));
                    case "--work" -> work = Path.of(value(args, ++i, "--work"));
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--repo" -> repository = Path.of(value(args, ++i, "--repo"));
                    case "--command" -> command = value(args, ++i, "--command");
                    default -> throw new IllegalArgumentException("unknown option '" + args[i]
                            + "'; expected --quick, --full, --scenarios LIST, --runs N, --jar FILE, --work DIR, --out DIR, "
                            + "--repo DIR");
                }
            }
            boolean named = scenarios != null;
            if (!named) {
                // All of them: those that run only when named are skipped with their reason (see Bench.run).
                scenarios = new TreeSet<>(SCENARIOS.keySet());
            }
            if (jar == null || !Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--jar must name Ferry's jar (cli/target/ferry.jar); got " + jar);
            }
            if (work == null || out == null) {
                throw new IllegalArgumentException("--work DIR and --out DIR are required");
            }
            if (scenarios.contains(TextCompression.ID) && (repository == null || !Files.isDirectory(repository))) {
                throw new IllegalArgumentException("scenario " + TextCompression.ID + " needs --repo DIR, Ferry's "
                        + "repository, whose sources it copies; got " + repository);
            }
            return new Options(mode, runs == null ? mode.repetitions : runs, scenarios, named, jar.toAbsolutePath(),
                    Files.createDirectories(work).toRealPath(), out.toAbsolutePath(),
                    repository == null ? null : repository.toRealPath(), command);
        }

        private static int positive(String text, String option) {
            try {
                int value = Integer.parseInt(text);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(option + " takes a positive number, got '" + text + "'");
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static SortedSet<Integer> scenarioList(String list) {
            SortedSet<Integer> chosen = new TreeSet<>();
            for (String item : list.split(",")) {
                try {
                    int id = Integer.parseInt(item.trim());
                    if (!SCENARIOS.containsKey(id)) {
                        throw new NumberFormatException();
                    }
                    chosen.add(id);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--scenarios takes numbers from 1 to " + SCENARIOS.size()
                            + " separated by commas; got '" + list + "'");
                }
            }
            return chosen;
        }
    }
}
