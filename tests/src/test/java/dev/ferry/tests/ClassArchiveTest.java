package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive the launcher makes for its jar (cli/src/main/jvm/make-class-archive):
 * a start maps Ferry's classes, picocli's (compiled for Java 5) among them, from it.
 */
class ClassArchiveTest {

    private static final Path JVM = Path.of("..", "cli", "src", "main", "jvm").toAbsolutePath().normalize();
    private static final long MAKE_SECONDS = 180;
    private static final long RUN_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void aStartLoadsFerrysAndPicocliClassesFromTheArchive() throws Exception {
        // A copy: an archive fits one jar path, and the launcher's own archive must stay as it is.
        Path jar = Files.copy(Path.of(System.getProperty("ferry.jar", "../cli/target/ferry.jar")), dir.resolve("ferry.jar"));
        Path archive = dir.resolve("ferry.jsa");

        Process make = run(dir.resolve("make.log"), JVM.resolve("make-class-archive").toString(), jar.toString(),
                archive.toString(), JVM.resolve("jvm.options").toString());
        assertThat(finish(make, MAKE_SECONDS)).as(Files.readString(dir.resolve("make.log"))).isZero();

        Path classLog = dir.resolve("classes.log");
        Process version = run(dir.resolve("version.log"), javaCommand(), "@" + JVM.resolve("jvm.options"),
                "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:class+load:file=" + classLog,
                "-jar", jar.toString(), "--version");
        assertThat(finish(version, RUN_SECONDS)).as(Files.readString(dir.resolve("version.log"))).isZero();

        List<String> loaded = Files.readAllLines(classLog);
        assertThat(loaded).anyMatch(line -> line.contains(" dev.ferry.cli.Ferry source: shared objects file"))
                .anyMatch(line -> line.contains(" picocli.CommandLine source: shared objects file"));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Process run(Path log, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The script runs `java` from PATH: the one running this test comes first.
        builder.environment().put("PATH", Path.of(javaCommand()).getParent() + ":" + System.getenv("PATH"));
        return builder.start();
    }

    /** The exit status, or -1 (after killing it) when the process outlives {@code seconds}. */
    private static int finish(Process process, long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
