package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * What every end-to-end test needs, per test: a fresh workspace directory, a way to run
 * {@code ferry} commands in it, and a broker (started on first use, on a free port, with its data in
 * the workspace). After the test every process it started is stopped; the workspace is deleted if
 * the test passed and kept, with its logs, if it failed.
 *
 * <pre>{@code @RegisterExtension final FerryHarness ferry = new FerryHarness();}</pre>
 *
 * <p>Tests that can share one workspace, broker and producer (CI time is precious) register a
 * harness {@link #perClass()} in a static field: then the workspace lives, and the processes run,
 * from the first test of the class to the end of the last, and each test stops what it started
 * for itself. The workspace is kept if any test failed.
 *
 * <pre>{@code @RegisterExtension static final FerryHarness ferry = FerryHarness.perClass();}</pre>
 */
final class FerryHarness implements BeforeEachCallback, AfterEachCallback, BeforeAllCallback, AfterAllCallback {

    static final Duration BROKER_START = Duration.ofSeconds(60);
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

    private final boolean perClass;
    private boolean anyFailed;
    private Path jar;
    private Path workspace;
    private int launched;
    private FerryProcess broker;
    private String brokerUrl;

    /** A harness of one test at a time. */
    FerryHarness() {
        this(false);
    }

    private FerryHarness(boolean perClass) {
        this.perClass = perClass;
    }

    /** A harness whose workspace and processes the tests of a class share; register it in a static field. */
    static FerryHarness perClass() {
        return new FerryHarness(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (perClass) {
            open(context.getRequiredTestClass().getSimpleName());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            close(context.getDisplayName(), anyFailed || context.getExecutionException().isPresent());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            open(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // A test skipped by an assumption has nothing worth keeping.
        boolean failed = context.getExecutionException().filter(thrown -> !(thrown instanceof TestAbortedException))
                .isPresent();
        if (perClass) {
            anyFailed |= failed;
        } else {
            close(context.getDisplayName(), failed);
        }
    }

    /**
     * What {@link #beforeEach} does, for a test JUnit Jupiter does not run (a jqwik property): a
     * fresh workspace named after {@code test}.
     */
    void open(String test) throws IOException {
        jar = locateJar();
        Path base = Path.of(System.getProperty("ferry.e2e.workspace", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        workspace = Files.createTempDirectory(base, test + "-");
    }

    /** What {@link #afterEach} does: stops every process, then deletes the workspace, or keeps it if {@code failed}. */
    void close(String test, boolean failed) {
        FerryProcess.closeAllOpen();
        broker = null;
        brokerUrl = null;
        if (workspace == null) {
            return;
        }
        if (failed) {
            System.err.println("Workspace of the failed test " + test + " kept at " + workspace);
        } else {
            try {
                TestTrees.deleteTree(workspace);
            } catch (UncheckedIOException e) {
                // A leftover in a temporary directory is not worth failing a passed test for.
                System.err.println("Could not delete the workspace " + workspace + ": " + e.getCause());
            }
        }
    }

    /** The test's own directory; processes run in it and log to {@code logs/} in it. */
    Path workspace() {
        return workspace;
    }

    /** A new directory {@code name} in the workspace. */
    Path directory(String name) {
        return TestTrees.directory(workspace.resolve(name));
    }

    /** The URL of the test's broker, started now if it is not running yet. */
    String brokerUrl() {
        broker();
        return brokerUrl;
    }

    /** The test's broker process, started now if it is not running yet. */
    FerryProcess broker() {
        return brokerWithHeap(FerryProcess.DEFAULT_HEAP);
    }

    /**
     * The test's broker process, started now with a heap of {@code maxHeap} if it is not running
     * yet. (The broker's memory limit for messages is half its heap up to 256 MiB.)
     */
    FerryProcess brokerWithHeap(String maxHeap) {
        if (broker == null) {
            int port = FreePorts.next();
            FerryProcess started = startWithHeap(maxHeap, "broker", "--data",
                    workspace.resolve("broker-data").toString(), "--listen", "tcp://127.0.0.1:" + port);
            started.waitForOutput("broker listening on", BROKER_START);
            broker = started;
            brokerUrl = "tcp://127.0.0.1:" + port;
        }
        return broker;
    }

    /**
     * Starts the test's broker as a {@linkplain BrokerPair standby pair} on the workspace's broker
     * data: an active broker and its standby, on ports of their own. {@link #consumer}, {@link
     * #producer} and the status queries connect through the pair's failover URL from now on.
     */
    BrokerPair standbyPair() {
        if (broker != null) {
            throw new IllegalStateException("the test's broker " + broker + " runs already");
        }
        BrokerPair pair = BrokerPair.ofFerryBrokers(this, workspace.resolve("broker-data"));
        useBroker(pair.active(), pair.failoverUrl());
        return pair;
    }

    /** The same with two instances of the ActiveMQ distribution, configured by broker-config/activemq.xml. */
    BrokerPair distributionStandbyPair() {
        if (broker != null) {
            throw new IllegalStateException("the test's broker " + broker + " runs already");
        }
        BrokerPair pair = BrokerPair.ofDistribution(this);
        useBroker(pair.active(), pair.failoverUrl());
        return pair;
    }

    /**
     * Makes {@code broker}, a broker the test started itself (the ActiveMQ distribution, say), the
     * test's broker, reachable at {@code url}: {@link #consumer}, {@link #producer} and the status
     * queries connect to it from now on, and no ferry broker is started.
     */
    void useBroker(FerryProcess broker, String url) {
        this.broker = broker;
        this.brokerUrl = url;
    }

    /** {@code ferry consumer --dest <destination> --broker <the test's broker> <options>}. */
    FerryProcess consumer(Path destination, String... options) {
        return consumerWithHeap(FerryProcess.DEFAULT_HEAP, destination, options);
    }

    FerryProcess consumerWithHeap(String maxHeap, Path destination, String... options) {
        return startWithHeap(maxHeap, with(options, "consumer", "--dest", destination.toString(),
                "--broker", brokerUrl()));
    }

    /**
     * {@code ferry producer --source <source> --broker <the test's broker> --state <workspace>/producer-state
     * <options>}: one producer state per test, so tests cannot see each other's.
     */
    FerryProcess producer(Path source, String... options) {
        return producerWithHeap(FerryProcess.DEFAULT_HEAP, source, options);
    }

    FerryProcess producerWithHeap(String maxHeap, Path source, String... options) {
        return startWithHeap(maxHeap, with(options, "producer", "--source", source.toString(),
                "--broker", brokerUrl(), "--state", workspace.resolve("producer-state").toString()));
    }

    /** {@code ferry <args>} with the default heap. */
    FerryProcess start(String... args) {
        return startWithHeap(FerryProcess.DEFAULT_HEAP, args);
    }

    FerryProcess startWithHeap(String maxHeap, String... args) {
        return startUnder(List.of(), maxHeap, args);
    }

    /** {@code ferry <args>} with the default heap, run by {@code prefix}: see {@link FerryProcess#startUnder}. */
    FerryProcess startUnder(List<String> prefix, String... args) {
        return startUnder(prefix, FerryProcess.DEFAULT_HEAP, args);
    }

    private FerryProcess startUnder(List<String> prefix, String maxHeap, String... args) {
        String command = args.length == 0 ? "" : args[0].replaceAll("[^A-Za-z0-9]", "");
        String name = (command.isEmpty() ? "ferry" : command) + "-" + (++launched);
        return FerryProcess.startUnder(prefix, name, jar, maxHeap, List.of(args), workspace, workspace.resolve("logs"));
    }

    /**
     * Starts the test's broker again after it was killed or stopped: on the same port and with the
     * same data, where the producer and consumer that used it look for it.
     */
    FerryProcess restartBroker() {
        if (broker == null) {
            throw new IllegalStateException("the broker was never started, so it cannot be restarted");
        }
        if (broker.isAlive()) {
            throw new IllegalStateException(broker + " is still running; kill or stop it first");
        }
        FerryProcess started = start("broker", "--data", workspace.resolve("broker-data").toString(),
                "--listen", brokerUrl);
        started.waitForOutput("broker listening on", BROKER_START);
        broker = started;
        return started;
    }

    /** The messages waiting on the default queue, as {@code ferry status} reports them. */
    long messagesWaiting() {
        FerryProcess status = start("status", "--broker", brokerUrl());
        status.waitForSuccess(STATUS_TIMEOUT);
        Matcher waiting = Pattern.compile("(?m)^messages waiting: (\\d+)$").matcher(status.stdout());
        if (!waiting.find()) {
            fail("ferry status printed no 'messages waiting: N' line%n%s", status.logTail());
        }
        return Long.parseLong(waiting.group(1));
    }

    /**
     * Runs {@code ferry status} until its output satisfies {@code condition} (heartbeats come every
     * few seconds), bounded by {@code timeout}; returns that output.
     */
    String awaitStatus(String what, Predicate<String> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FerryProcess status = start("status", "--broker", brokerUrl());
            status.waitForSuccess(STATUS_TIMEOUT);
            if (condition.test(status.stdout())) {
                return status.stdout();
            }
            if (System.nanoTime() > deadline) {
                fail("ferry status never showed %s within %s; last:%n%s", what, timeout, status.stdout());
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for ferry status to show %s", what);
            }
        }
    }

    /** The messages on the default queue's dead-letter queue, as {@code ferry status} reports them. */
    long messagesDeadLettered() {
        FerryProcess status = start("status", "--broker", brokerUrl());
        status.waitForSuccess(STATUS_TIMEOUT);
        Matcher deadLettered = Pattern.compile("(?m)^dead-lettered: (\\d+)\\b").matcher(status.stdout());
        if (!deadLettered.find()) {
            fail("ferry status printed no 'dead-lettered: N' line%n%s", status.logTail());
        }
        return Long.parseLong(deadLettered.group(1));
    }

    private static String[] with(String[] options, String... leading) {
        List<String> args = new ArrayList<>(Arrays.asList(leading));
        args.addAll(Arrays.asList(options));
        return args.toArray(String[]::new);
    }

    private static Path locateJar() {
        Path jar = Path.of(System.getProperty("ferry.jar", "../cli/target/ferry.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail("The ferry jar is missing at %s. The end-to-end tests run the real command line: "
                    + "run `mvn -B verify` from the repository root, which builds it before these tests.", jar);
        }
        return jar;
    }
}
