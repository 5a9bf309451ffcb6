package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.utility.LogUtils;

/**
 * Compose files brought up as a user brings them up ({@code up -d --build}, so the ferry image is
 * built from this tree's sources), through Testcontainers and the machine's own Compose: the
 * plugin ({@code docker compose}) where there is one, else {@code docker-compose} (1.29 is what
 * Debian has). Compose pulls nothing; {@link DockerImages#require} sees to the images first.
 * {@link #close} takes it all down, volumes included.
 */
final class ComposeStack implements AutoCloseable {

    private static final String PROJECT_LABEL = "com.docker.compose.project";
    private static final String SERVICE_LABEL = "com.docker.compose.service";
    private static final Duration VERSION_CHECK = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 40;

    private final String tool;
    private final String projectPrefix;
    private final Startable compose;

    private ComposeStack(String tool, String projectPrefix, Startable compose) {
        this.tool = tool;
        this.projectPrefix = projectPrefix;
        this.compose = compose;
    }

    /**
     * Runs {@code up -d --build} on {@code files} (the first one's directory is the project
     * directory) with {@code environment} added to this JVM's, and returns once Compose has started
     * every service (after the ones they depend on are healthy). Skips the test where the machine has
     * no Compose, or fails there when the Docker tests are required ({@link RequiresDocker}).
     */
    static ComposeStack up(List<File> files, Map<String, String> environment) {
        // Testcontainers appends a random suffix to the project name; this prefix finds our containers.
        String prefix = "ferrye2e" + ThreadLocalRandom.current().nextInt(1000, 10000);
        ComposeStack stack;
        if (answers("docker", "compose", "version")) {
            stack = new ComposeStack("docker compose", prefix, new ComposeContainer(prefix, files)
                    .withLocalCompose(true).withPull(false).withBuild(true).withRemoveVolumes(true).withEnv(environment));
        } else if (answers("docker-compose", "version")) {
            stack = new ComposeStack("docker-compose", prefix, new DockerComposeContainer<>(prefix, files)
                    .withLocalCompose(true).withPull(false).withBuild(true).withRemoveVolumes(true).withEnv(environment));
        } else {
            String missing = "neither the Compose plugin (docker compose) nor docker-compose is installed";
            if (RequiresDocker.required()) {
                fail("%s=1, but %s; docker/ci-setup.sh installs one", RequiresDocker.REQUIRE, missing);
            }
            Assumptions.abort(missing + ", so the compose file cannot be tested here");
            throw new AssertionError("unreachable");
        }
        try {
            stack.compose.start();
        } catch (RuntimeException e) {
            String logs = stack.logs();
            stack.close(); // what did come up goes down again
            throw new AssertionError(stack.tool + " could not bring up " + files + " (its output is in the test log): "
                    + e.getMessage() + "\n" + logs, e);
        }
        return stack;
    }

    /** The state and the last lines of the log of every container of the stack, for failure messages. */
    String logs() {
        DockerClient docker = DockerClientFactory.instance().client();
        StringBuilder logs = new StringBuilder();
        for (Container container : containers(docker)) {
            logs.append("---- ").append(container.getLabels().get(SERVICE_LABEL)).append(" (")
                    .append(container.getStatus()).append("):\n")
                    .append(tail(LogUtils.getOutput(docker, container.getId())));
        }
        return logs.length() == 0 ? "(" + tool + " started no containers)\n" : logs.toString();
    }

    /** Kills (SIGKILL) the container of {@code service}, as a crash of its host would end it. */
    void kill(String service) {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.killContainerCmd(container(docker, service).getId()).exec();
    }

    private Container container(DockerClient docker, String service) {
        return containers(docker).stream()
                .filter(candidate -> service.equals(candidate.getLabels().get(SERVICE_LABEL)))
                .findFirst().orElseThrow(() -> new AssertionError("no container of service " + service + "\n" + logs()));
    }

    @Override
    public void close() {
        compose.stop();
    }

    private List<Container> containers(DockerClient docker) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(PROJECT_LABEL)).exec().stream()
                .filter(container -> container.getLabels().get(PROJECT_LABEL).startsWith(projectPrefix))
                .sorted(Comparator.comparing(container -> container.getLabels().get(SERVICE_LABEL)))
                .toList();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        StringBuilder tail = new StringBuilder();
        for (String line : lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())) {
            tail.append("  ").append(line).append('\n');
        }
        return tail.toString();
    }

    private static boolean answers(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(VERSION_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException notInstalled) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + String.join(" ", command), e);
        }
    }
}
