package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone broker from the official Apache ActiveMQ Classic distribution (which the build
 * unpacks into {@code target/activemq}), configured by Ferry's {@code broker-config/activemq.xml}
 * the way an operator runs it: a conf directory of the distribution's files with ours in place of
 * {@code activemq.xml}, and the OpenWire port given as {@code ferry.openwire.port}.
 *
 * <p>Each test gets its own conf copy, data directory and free port in its workspace; another file of
 * {@code broker-config/} may stand in for {@code activemq.xml}, with system properties for its
 * placeholders (as an operator gives them in {@code ACTIVEMQ_OPTS}). {@link #start}
 * after {@link #kill} brings the broker back on the same port with the same data, where the
 * producer and consumer that used it look for it.
 *
 * <p>It runs the Java command {@code bin/activemq console} runs, not the script itself: the script
 * leaves a shell as the parent of the broker's JVM, so killing the process a test holds would
 * orphan the broker instead of crashing it.
 */
final class DistributionBroker {

    static final Duration START = Duration.ofSeconds(90);
    /** What ActiveMQ says once the broker named {@code %s} started. */
    private static final String STARTED = "Apache ActiveMQ \\S+ \\(%s, .*\\) started";
    /** The same, whatever the broker's name. */
    static final String STARTED_ANY = STARTED.formatted(".*");
    /** What ActiveMQ says once when it finds the store locked and waits for the lock: a standby. */
    static final String STANDING_BY = "is locked by another server\\. This broker is now in slave mode";

    /** The users broker-config/activemq.xml knows, with the passwords this broker gets from its environment. */
    static final String PRODUCER = "ferry-producer";
    static final String PRODUCER_PASSWORD = "producer-" + UUID.randomUUID();
    static final String CONSUMER = "ferry-consumer";
    static final String CONSUMER_PASSWORD = "consumer-" + UUID.randomUUID();
    /** The user of mirror offsite. */
    static final String OFFSITE = "ferry-offsite";
    static final String OFFSITE_PASSWORD = "offsite-" + UUID.randomUUID();

    /** Twice broker-config/activemq.xml's memoryUsage, as its comment asks. */
    private static final String HEAP = "512m";
    private static final Duration POLL = Duration.ofMillis(100);

    private final String name;
    private final String configuration;
    private final Map<String, String> properties;
    private final Path home;
    private final Path instance;
    private final Path conf;
    private final Path data;
    private final Path tmp;
    private final Path workspace;
    private final int port;
    private int starts;
    private FerryProcess process;

    private DistributionBroker(String name, String configuration, Map<String, String> properties, Path home,
                               Path instance, Path data, Path workspace, int port) {
        this.name = name;
        this.configuration = configuration;
        this.properties = new TreeMap<>(properties);
        this.home = home;
        this.instance = instance;
        this.conf = instance.resolve("conf");
        this.data = data;
        this.tmp = instance.resolve("tmp");
        this.workspace = workspace;
        this.port = port;
    }

    /**
     * A broker instance in {@code workspace/activemq}: the distribution's conf directory with
     * Ferry's activemq.xml, an empty data directory and a free port. Nothing runs yet.
     */
    static DistributionBroker in(Path workspace) {
        return in(workspace, "activemq.xml", Map.of());
    }

    /**
     * The same with {@code configuration}, a file of {@code broker-config/}, as its activemq.xml, and
     * {@code properties} given to the broker as system properties: {@code ferry.forward.uri} say, or
     * {@code ferry.broker.name}. Nothing runs yet.
     */
    static DistributionBroker in(Path workspace, String configuration, Map<String, String> properties) {
        Path instance = workspace.resolve("activemq");
        return new DistributionBroker("activemq", configuration, properties, distributionHome(), instance,
                instance.resolve("data"), workspace, FreePorts.next()).prepared();
    }

    /**
     * A second instance on this one's data directory, with a conf directory, temporary directory and
     * port of its own: the two make a standby pair on one machine (the README's shared-store set-up,
     * with the same directory standing in for a shared file system). Nothing runs yet.
     */
    DistributionBroker standby() {
        return new DistributionBroker(name + "-standby", configuration, properties, home,
                instance.resolveSibling(instance.getFileName() + "-standby"), data, workspace, FreePorts.next())
                .prepared();
    }

    private DistributionBroker prepared() {
        try {
            copyDirectory(home.resolve("conf"), conf);
            Files.copy(ferryConfiguration(configuration), conf.resolve("activemq.xml"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(data);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare an ActiveMQ instance in " + instance, e);
        }
        return this;
    }

    /** Starts the broker and returns once it says it started and its port takes connections. */
    FerryProcess start() {
        FerryProcess started = launch();
        started.waitForOutput(started(), START);
        awaitPortOpen(started);
        return started;
    }

    /**
     * Starts the broker while another holds the data directory: returns once it says it waits for
     * the store's lock, as a standby, without a port.
     */
    FerryProcess startStandingBy() {
        FerryProcess started = launch();
        started.waitForOutput(STANDING_BY, START);
        return started;
    }

    /** Waits until a broker started standing by has taken over: it says it started and takes connections. */
    void awaitTakeover() {
        process.waitForOutput(started(), START);
        awaitPortOpen(process);
    }

    private FerryProcess launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(process + " is still running; kill it first");
        }
        process = FerryProcess.startProgram(name + "-" + (++starts), command(),
                Map.of("FERRY_PRODUCER_PASSWORD", PRODUCER_PASSWORD, "FERRY_CONSUMER_PASSWORD", CONSUMER_PASSWORD,
                        "FERRY_OFFSITE_PASSWORD", OFFSITE_PASSWORD),
                workspace, workspace.resolve("logs"));
        return process;
    }

    /** Kills the broker at once (SIGKILL), as a crash or a power cut would. */
    void kill() {
        process.kill();
    }

    FerryProcess process() {
        return process;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** The data directory, which {@link #standby()} shares. */
    Path data() {
        return data;
    }

    /** The line of a started broker: the configuration names it ferry unless ferry.broker.name says otherwise. */
    private String started() {
        return STARTED.formatted(Pattern.quote(properties.getOrDefault("ferry.broker.name", "ferry")));
    }

    /** What {@code bin/activemq console} runs on Java 9 and later (bin/activemq, invokeJar). */
    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx" + HEAP));
        // With the JVM options of Ferry's own processes (the collector, heap sizing, compiler
        // thresholds): a start took 2.9 s of CPU instead of 4.3 (2.2 s instead of 2.9 to "started",
        // measured before the heap sizing joined them), and none changes what goes on the wire or
        // into the store. The broker's start is what most of these tests wait for.
        command.addAll(LauncherJvm.optionFiles());
        command.addAll(List.of(
                "-Djava.util.logging.config.file=logging.properties",
                "-Djava.security.auth.login.config=" + conf.resolve("login.config"),
                "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + tmp,
                "--add-reads=java.xml=java.logging",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "-Dactivemq.classpath=" + conf,
                "-Dactivemq.home=" + home,
                "-Dactivemq.base=" + home,
                "-Dactivemq.conf=" + conf,
                "-Dactivemq.data=" + data,
                // Ferry's activemq.xml reads its port from here (61616 if unset).
                "-Dferry.openwire.port=" + port,
                // The ferry processes of the harness connect without a user name (it clears their
                // FERRY_* environment); the users' rights are checked by DistributionBrokerTest.
                "-Dferry.allow.anonymous=true"));
        // After the defaults above, so that the last -D of a name, the test's, wins.
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", home.resolve("bin/activemq.jar").toString(),
                "start", "xbean:file:" + conf.resolve("activemq.xml")));
        return command;
    }

    /** The log line comes after the connector started; this makes sure of it, within a bound. */
    private void awaitPortOpen(FerryProcess started) {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (!started.isAlive() || System.nanoTime() > deadline) {
                    fail("%s said it started but port %d takes no connections%n%s", started, port, started.logTail());
                }
            }
            pause();
        }
    }

    private static Path distributionHome() {
        String configured = System.getProperty("ferry.activemq.home");
        Path home = configured == null ? null : Path.of(configured);
        if (home == null || !Files.isRegularFile(home.resolve("bin/activemq.jar"))) {
            fail("The ActiveMQ distribution is not unpacked at %s (system property ferry.activemq.home). "
                    + "Run the tests through Maven (`mvn -B verify`), whose process-test-resources phase "
                    + "unpacks it into target/activemq.", configured);
        }
        return home;
    }

    private static Path ferryConfiguration(String file) {
        Path config = Path.of(System.getProperty("ferry.broker.config", "../broker-config"))
                .resolve(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(config)) {
            fail("Ferry's broker configuration is missing at %s (system property ferry.broker.config)", config);
        }
        return config;
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    @Override
    public String toString() {
        return "ActiveMQ distribution broker at " + url() + " (data in " + data + ")";
    }
}
