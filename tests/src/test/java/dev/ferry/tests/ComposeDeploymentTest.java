package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.BrokerUnreachableException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The repository's docker-compose.yml, brought up the way the README says, with its second mirror
 * (profile offsite) and a standby broker (profile standby, clients on the pair's failover URL):
 * broker, consumers and producer replicate a directory of this machine into both mirrors, the
 * broker lets no one in without a password, and when it is killed its standby takes over. The one override, written by the
 * test, puts the mirrors and the producer's state in the test's workspace and runs every side as the
 * test's user, so the test can read (and delete) what they write.
 */
@ExtendWith(RequiresDocker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // The standby's test kills the broker the others use.
@Timeout(value = 3, unit = MINUTES)
class ComposeDeploymentTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(90);
    private static final Duration ONE_CHANGE = Duration.ofSeconds(60);
    /** The standby's lock poll (1 s) and recovery, and the clients' reconnect backoff (up to 10 s). */
    private static final Duration TAKEOVER = Duration.ofSeconds(90);

    @RegisterExtension
    final FailureWatch failures = new FailureWatch();

    private Path workspace;
    private Path source;
    private Path mirror;
    private Path offsite;
    private int brokerPort;
    private int standbyPort;
    private ComposeStack stack;

    @BeforeAll
    @Timeout(value = 10, unit = MINUTES) // the first build of the ferry image on a new machine
    void upWithASourceTreeOfThisMachine() throws IOException {
        DockerImages.require(DockerImages.brokerImage());
        DockerImages.baseImages().forEach(DockerImages::require);
        Path base = Path.of(System.getProperty("ferry.e2e.workspace", System.getProperty("java.io.tmpdir")));
        workspace = Files.createTempDirectory(Files.createDirectories(base), getClass().getSimpleName() + "-");
        source = TestTrees.mixed(TestTrees.directory(workspace.resolve("source")));
        mirror = TestTrees.directory(workspace.resolve("mirror"));
        offsite = TestTrees.directory(workspace.resolve("mirror-offsite"));
        brokerPort = FreePorts.next();
        standbyPort = FreePorts.next();
        try {
            stack = ComposeStack.up(
                    List.of(DockerImages.composeFile().toFile(), override().toFile()),
                    Map.of("FERRY_SOURCE", source.toString(),
                            "FERRY_PRODUCER_PASSWORD", UUID.randomUUID().toString(),
                            "FERRY_CONSUMER_PASSWORD", UUID.randomUUID().toString(),
                            "FERRY_OFFSITE_PASSWORD", UUID.randomUUID().toString(),
                            "FERRY_MIRRORS", "default,offsite",
                            "COMPOSE_PROFILES", "offsite,standby",
                            "FERRY_COMPOSE_BROKER_URL",
                            "failover:(tcp://broker:61616,tcp://broker-standby:61616)?randomize=false",
                            "FERRY_STANDBY_PORT", Integer.toString(standbyPort),
                            "FERRY_BROKER_PORT", Integer.toString(brokerPort),
                            "FERRY_JAVA_OPTS", "-Xmx256m"));
        } catch (AssertionError e) {
            failures.seen = true;
            throw e;
        }
    }

    @AfterAll
    void down() {
        if (stack != null) {
            stack.close();
        }
        if (workspace == null) {
            return;
        }
        if (failures.seen) {
            System.err.println("Workspace of the failed " + getClass().getSimpleName() + " kept at " + workspace);
        } else {
            TestTrees.deleteTree(workspace);
        }
    }

    @Test
    @Order(1)
    void theStackMirrorsASourceTreeAndTheChangesToItIntoBothMirrors() throws IOException {
        awaitMirror(INITIAL_SYNC);

        writeText(source.resolve("new/written while running.txt"), text("live", 3000));
        Files.move(source.resolve("old.txt"), source.resolve("renamed.txt"));
        Files.delete(source.resolve("zero.bin"));
        awaitMirror(ONE_CHANGE);
    }

    @Test
    @Order(2)
    void theBrokerRefusesAnonymousConnections() {
        BrokerEndpoint anonymous = new BrokerEndpoint("tcp://127.0.0.1:" + brokerPort, null, null);
        Throwable refusal = catchThrowable(() -> anonymous.connect("anonymous-probe", 1).close());
        if (refusal == null) {
            fail("The broker docker-compose.yml starts accepted a connection without user and password; "
                    + "broker-config/activemq.xml must require authentication");
        }
        assertThat(refusal).as("how the broker refused an anonymous connection").isInstanceOf(JMSSecurityException.class);
    }

    /**
     * Profile standby: broker-standby waits on the same data volume; killed, broker is taken over
     * and producer and consumers, on the pair's failover URL, follow. Last: it leaves broker dead.
     */
    @Test
    @Order(3)
    void whenTheBrokerIsKilledItsStandbyTakesOverAndBothMirrorsFollow() throws IOException {
        awaitMirror(INITIAL_SYNC);
        assertThat(anonymousLogin(standbyPort)).as("what broker-standby answers before the kill (nothing)")
                .isInstanceOf(BrokerUnreachableException.class);

        stack.kill("broker");
        writeText(source.resolve("new/written after the broker died.txt"), text("taken over", 2000));
        Files.delete(source.resolve("renamed.txt")); // renamed so by the first test
        awaitMirror(TAKEOVER);
        assertThat(anonymousLogin(standbyPort)).as("what broker-standby answers once it took over")
                .isInstanceOf(JMSSecurityException.class);
    }

    /** What an attempt to log in without a user name to the broker at {@code port} of this machine throws. */
    private static Throwable anonymousLogin(int port) {
        BrokerEndpoint anonymous = new BrokerEndpoint("tcp://127.0.0.1:" + port, null, null);
        return catchThrowable(() -> anonymous.connect("anonymous-probe", 1).close());
    }

    /** Waits for both mirrors to equal the source, failing with what the services said. */
    private void awaitMirror(Duration timeout) {
        try {
            Convergence.await(source, mirror, timeout);
            Convergence.await(source, offsite, timeout);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + stack.logs(), e);
        }
    }

    /** The test's compose override: the mirrors and the producer's state here, as the test's user. */
    private Path override() throws IOException {
        String user = Files.getAttribute(workspace, "unix:uid") + ":" + Files.getAttribute(workspace, "unix:gid");
        Path state = TestTrees.directory(workspace.resolve("producer-state"));
        return Files.writeString(workspace.resolve("docker-compose.test.yml"), String.join("\n",
                "services:",
                "  consumer:",
                "    user: \"" + user + "\"",
                "    volumes:",
                "      - \"" + mirror + ":/data/dest\"",
                "  consumer-offsite:",
                "    user: \"" + user + "\"",
                "    volumes:",
                "      - \"" + offsite + ":/data/dest\"",
                "  producer:",
                "    user: \"" + user + "\"",
                "    volumes:",
                "      - \"" + state + ":/var/lib/ferry\"",
                ""));
    }

    /** Remembers whether a test of the class failed, to keep its workspace for a look. */
    static final class FailureWatch implements TestWatcher {
        private boolean seen;

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            seen = true;
        }
    }
}
