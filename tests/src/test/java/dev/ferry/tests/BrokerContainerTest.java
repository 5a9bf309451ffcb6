package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Ferry against the broker image docker-compose.yml runs, configured by {@code broker-config/}
 * mounted read-only where the image keeps its configuration: a producer and a consumer on this
 * machine replicate a tree through the broker in the container.
 */
@ExtendWith(RequiresDocker.class)
@Timeout(value = 4, unit = MINUTES)
class BrokerContainerTest {

    private static final int OPENWIRE = 61616;
    private static final String CONF = "/opt/apache-activemq/conf";
    private static final Duration BROKER_START = Duration.ofSeconds(90);
    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration ONE_CHANGE = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private GenericContainer<?> broker;

    @BeforeEach
    void aBrokerContainerWithFerrysConfiguration() {
        broker = new GenericContainer<>(DockerImages.require(DockerImages.brokerImage()))
                .withFileSystemBind(DockerImages.brokerConfig().toString(), CONF, BindMode.READ_ONLY)
                // The passwords broker-config/ requires to start, as the compose file passes them.
                // The ferry processes of the tests log in anonymously, which FERRY_ALLOW_ANONYMOUS
                // permits; ComposeDeploymentTest runs both sides with their users instead.
                .withEnv(Map.of(
                        "FERRY_PRODUCER_PASSWORD", UUID.randomUUID().toString(),
                        "FERRY_CONSUMER_PASSWORD", UUID.randomUUID().toString(),
                        "FERRY_ALLOW_ANONYMOUS", "true"))
                .withExposedPorts(OPENWIRE)
                .waitingFor(Wait.forListeningPort().withStartupTimeout(BROKER_START));
        broker.start();
    }

    @AfterEach
    void stopTheBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void aMixedTreeAndAChangeToItReachTheMirrorThroughTheBrokerContainer() throws IOException {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        String url = "tcp://" + broker.getHost() + ":" + broker.getMappedPort(OPENWIRE);

        FerryProcess consumer = ferry.start("consumer", "--dest", destination.toString(), "--broker", url);
        FerryProcess producer = ferry.start("producer", "--source", source.toString(), "--broker", url,
                "--state", ferry.workspace().resolve("producer-state").toString());
        awaitMirror(source, destination, INITIAL_SYNC, consumer, producer);

        writeText(source.resolve("docs/readme.txt"), text("rewritten while live", 6000));
        Files.delete(source.resolve("zero.bin"));
        awaitMirror(source, destination, ONE_CHANGE, consumer, producer);
    }

    /** {@link Convergence#await}, with what the broker said when it does not converge. */
    private void awaitMirror(Path source, Path destination, Duration timeout, FerryProcess... running) {
        try {
            Convergence.await(source, destination, timeout, running);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n---- broker container log:\n" + broker.getLogs(), e);
        }
    }
}
