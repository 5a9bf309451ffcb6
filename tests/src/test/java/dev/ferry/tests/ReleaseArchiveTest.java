package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The release archive (dist/: target/ferry-VERSION.tar.gz) as a user installs it: unpacked anywhere
 * with tar, its bin/ferry runs on a Java runtime alone (JAVA_HOME, neither java nor Maven on PATH),
 * makes its class-data archive at the first start, maps Ferry's classes from it and replicates.
 */
@Timeout(value = 4, unit = MINUTES)
class ReleaseArchiveTest {

    /** What the launcher and make-class-archive run besides java: a PATH of these alone. */
    private static final List<String> TOOLS = List.of("bash", "sh", "env", "dirname", "readlink", "cksum", "cut",
            "cat", "ls", "mkdir", "flock", "uname", "sed", "head", "tail", "touch", "rm", "mv", "mktemp", "sleep",
            "kill");

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void unpackedAnywhereItRunsOnAJavaRuntimeAloneAndReplicates() throws Exception {
        Path tarball = Path.of(System.getProperty("ferry.release.archive")).toAbsolutePath();
        assertThat(tarball).as("built by the dist module").isRegularFile();
        Path opt = ferry.directory("opt");
        Command.run(opt, Duration.ofSeconds(60), "tar", "-xzf", tarball.toString()).orFail();
        Path home = opt.resolve(tarball.getFileName().toString().replaceFirst("\\.tar\\.gz$", ""));

        assertThat(home.resolve("bin/ferry")).isExecutable();
        assertThat(home.resolve("lib/jvm/make-class-archive")).isExecutable();
        assertThat(home.resolve("lib/ferry.jar")).isRegularFile();
        assertThat(home.resolve("lib/jvm/jvm.options")).content().contains("-XX:+UseSerialGC");
        assertThat(home.resolve("lib/jvm/jvm-linux.options")).isRegularFile();
        assertThat(home.resolve("broker-config/activemq.xml")).isRegularFile();
        assertThat(home.resolve("completions/ferry.bash")).content().contains("complete -F");
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        assertThat(home.resolve("THIRD-PARTY.txt")).content().contains("activemq-broker");
        assertThat(home.resolve("README.md")).isRegularFile();

        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", toolsOnly(ferry.directory("tools")).toString());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("HOME", ferry.directory("home").toString());
        String version = Command.run(opt, Duration.ofSeconds(120), environment,
                home.resolve("bin/ferry").toString(), "--version").orFail().out();
        assertThat(version).contains(home.getFileName().toString().substring("ferry-".length()));

        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.workspace().resolve("destination");
        Path classLog = ferry.workspace().resolve("classes.log");
        environment.put("JAVA_OPTS", "-Xlog:class+load:file=" + classLog);
        FerryProcess up = FerryProcess.startProgram("up", List.of(home.resolve("bin/ferry").toString(), "up",
                        "--source", source.toString(), "--dest", destination.toString(),
                        "--data", ferry.workspace().resolve("data").toString(),
                        "--listen", "tcp://127.0.0.1:" + FreePorts.next()),
                environment, ferry.workspace(), ferry.workspace().resolve("logs"));
        Convergence.await(source, destination, Duration.ofSeconds(90), up);
        up.close();
        assertThat(up.waitForExit(Duration.ofSeconds(15))).as("exit status after SIGTERM").isZero();

        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertThat(lib.map(path -> path.getFileName().toString())).as("made beside the jar, which is writable")
                    .anyMatch(name -> name.matches("ferry-[0-9]+\\.jsa"));
        }
        assertThat(Files.readAllLines(classLog))
                .anyMatch(line -> line.contains(" dev.ferry.cli.Ferry source: shared objects file"))
                .anyMatch(line -> line.contains(" picocli.CommandLine source: shared objects file"));
    }

    /** A directory of links to {@link #TOOLS}, where this machine has them; no java, no mvn. */
    private static Path toolsOnly(Path directory) throws IOException {
        for (String tool : TOOLS) {
            for (String bin : List.of("/usr/bin", "/bin")) {
                Path found = Path.of(bin, tool);
                if (Files.isExecutable(found)) {
                    Files.createSymbolicLink(directory.resolve(tool), found);
                    break;
                }
            }
        }
        return directory;
    }
}
