package dev.ferry.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Making one takes some 7 s; well under the shortest test's time limit, which the first start counts against. */
    private static final long MAKE_SECONDS = 60;
    private static final Map<Path, List<String>> OPTIONS = new HashMap<>();

    private LauncherJvm() {
    }

    /** The options to put between {@code java} and {@code -jar jar}, the launcher's order. */
    static synchronized List<String> options(Path jar) {
        List<String> known = OPTIONS.get(jar);
        if (known != null) {
            return known;
        }
        List<String> made = new ArrayList<>(optionFiles());
        Path archive = Path.of(System.getProperty("ferry.class.archive", "target/ferry-tests.jsa")).toAbsolutePath();
        if (OPTIONS.isEmpty() && make(jar, archive)) { // One archive, for the first jar (there is one).
            made.add("-XX:SharedArchiveFile=" + archive);
            made.add("-Xlog:cds=off");
        }
        List<String> options = List.copyOf(made);
        if (!Thread.currentThread().isInterrupted()) { // Cut short: the next start tries again.
            OPTIONS.put(jar, options);
        }
        return options;
    }

    /**
     * The option files alone (the collector, heap sizing, the compiler's thresholds, huge pages on
     * Linux), for a JVM that runs something other than Ferry's jar.
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
        Process process = null;
        try {
            Files.createDirectories(archive.getParent());
            Files.deleteIfExists(archive);
            ProcessBuilder builder = new ProcessBuilder(DIR.resolve("make-class-archive").toString(),
                    jar.toAbsolutePath().toString(), archive.toString(), DIR.resolve("jvm.options").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // The script runs `java` from PATH: the JVM of the tests must be the one the archive fits.
            builder.environment().put("PATH",
                    Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
            process = builder.start();
            if (process.waitFor(MAKE_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0
                    && Files.isRegularFile(archive)) {
                return true;
            }
            System.err.println("LauncherJvm: no class-data archive (see " + log + "); processes start without one");
        } catch (IOException e) {
            System.err.println("LauncherJvm: cannot make a class-data archive for " + jar + " (" + e
                    + "); processes start without one, as the launcher's do");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process != null && process.isAlive()) {
                // The script's training run is a whole `ferry up`, broker and all.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        return false;
    }
}
