package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The JVM options the {@code ./ferry} launcher gives every Ferry process (cli/src/main/jvm: the
 * option files and the class-data archive made for the jar), so the end-to-end tests run Ferry as
 * users run it. It also halves what each start costs: on 2 cores a broker, a {@code producer
 * --once} and a {@code consumer --drain} of 200 files took 4.6 s of CPU with them and 7.9 s
 * without, and the suite starts hundreds of such processes.
 *
 * <p>The archive is made once per test JVM, for the jar under test at its own path (an archive only
 * fits the jar it was made for); if making it fails, processes start without one, as the launcher's
 * do.
 */
final class LauncherJvm {

    private static final Path DIR = Path.of(System.getProperty("ferry.jvm.dir", "../cli/src/main/jvm"))
            .toAbsolutePath().normalize();
    private static final long MAKE_SECONDS = 180;
    private static List<String> options;

    private LauncherJvm() {
    }

    /** The options to put between {@code java} and {@code -jar jar}, the launcher's order. */
    static synchronized List<String> options(Path jar) {
        if (options == null) {
            List<String> made = new ArrayList<>(optionFiles());
            Path archive = Path.of(System.getProperty("ferry.class.archive", "target/ferry-tests.jsa"))
                    .toAbsolutePath();
            if (make(jar, archive)) {
                made.add("-XX:SharedArchiveFile=" + archive);
                made.add("-Xlog:cds=off");
            }
            options = List.copyOf(made);
        }
        return options;
    }

    /**
     * The option files alone (the collector, the compiler's thresholds), for a JVM that runs
     * something other than Ferry's jar.
     */
    static List<String> optionFiles() {
        List<String> files = new ArrayList<>();
        files.add("@" + DIR.resolve("jvm.options"));
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            files.add("@" + DIR.resolve("jvm-linux.options"));
        }
        return files;
    }

    private static boolean make(Path jar, Path archive) {
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        try {
            Files.createDirectories(archive.getParent());
            Files.deleteIfExists(archive);
            ProcessBuilder builder = new ProcessBuilder(DIR.resolve("make-class-archive").toString(),
                    jar.toAbsolutePath().toString(), archive.toString(), DIR.resolve("jvm.options").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // The script runs `java` from PATH: the JVM of the tests must be the one the archive fits.
            builder.environment().put("PATH",
                    Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
            Process process = builder.start();
            if (!process.waitFor(MAKE_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            } else if (process.exitValue() == 0 && Files.isRegularFile(archive)) {
                return true;
            }
            System.err.println("LauncherJvm: no class-data archive (see " + log + "); processes start without one");
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a class-data archive for " + jar, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
