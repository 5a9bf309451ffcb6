package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.RemoteDockerImage;
import org.testcontainers.utility.DockerImageName;

/**
 * The deployment files the Docker tests run — {@code docker-compose.yml}, the {@code Dockerfile}
 * beside it and {@code broker-config/} — and the images they name, read from those files so the
 * tests run exactly what a user would.
 */
final class DockerImages {

    private static final Pattern BROKER_IMAGE = Pattern.compile("(?m)^\\s+image:\\s*(apache/activemq-classic:\\S+)\\s*$");
    private static final Pattern BASE_IMAGE = Pattern.compile("(?m)^FROM\\s+(\\S+)");

    private DockerImages() {
    }

    /** The repository's docker-compose.yml (system property {@code ferry.compose.file}). */
    static Path composeFile() {
        return existing(Path.of(System.getProperty("ferry.compose.file", "../docker-compose.yml")), "ferry.compose.file");
    }

    /** The repository's broker-config/ directory (system property {@code ferry.broker.config}). */
    static Path brokerConfig() {
        return existing(Path.of(System.getProperty("ferry.broker.config", "../broker-config")), "ferry.broker.config");
    }

    /** The broker image the compose file runs. */
    static String brokerImage() {
        Matcher image = BROKER_IMAGE.matcher(read(composeFile()));
        if (!image.find()) {
            fail("%s names no apache/activemq-classic image", composeFile());
        }
        return image.group(1);
    }

    /** The images the Dockerfile beside the compose file builds on (its FROM lines). */
    static List<String> baseImages() {
        return BASE_IMAGE.matcher(read(composeFile().resolveSibling("Dockerfile"))).results()
                .map(from -> from.group(1)).toList();
    }

    /**
     * Makes sure the engine has {@code name}: present already, or pulled now. Fails, saying how to
     * build stand-ins, on a machine that has neither the image nor a registry to pull it from.
     */
    static DockerImageName require(String name) {
        DockerImageName image = DockerImageName.parse(name);
        if (isLocal(name)) {
            return image;
        }
        try {
            new RemoteDockerImage(image).get();
        } catch (RuntimeException e) {
            fail("The Docker engine has no image %s and cannot pull it (%s). On a machine without a "
                    + "registry, build stand-ins under the same names: docker/build-standin-images.sh", name, e.getMessage());
        }
        return image;
    }

    private static boolean isLocal(String name) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Path existing(Path path, String property) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            fail("%s is missing (system property %s); run the tests through Maven from the repository", absolute, property);
        }
        return absolute;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
