package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How to run the {@code ferry} command under test: the benchmark's own {@code java} with the jar
 * copied at the start (so a rebuild during the run changes nothing), the JVM options file the
 * {@code ./ferry} launcher uses and the class-data archive it makes (both beside the copy), plus extra JVM options per role from
 * {@code BENCH_BROKER_OPTS}, {@code BENCH_CONSUMER_OPTS} and {@code BENCH_PRODUCER_OPTS} (for
 * profiling; the report lists them when set).
 */
record FerryCommand(Path java, Path jar, Path jvmOptionsFile, Map<Role, List<String>> extraOptions) {

    /** The part a process plays; each may get its own JVM options. */
    enum Role { BROKER, CONSUMER, PRODUCER }

    static FerryCommand fromEnvironment(Path jar) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<Role, List<String>> extra = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            String value = System.getenv(environmentName(role));
            if (value != null && !value.isBlank()) {
                extra.put(role, Arrays.asList(value.trim().split("\\s+")));
            }
        }
        Path jvmOptionsFile = jar.resolveSibling("jvm.options");
        if (!Files.isRegularFile(jvmOptionsFile)) {
            throw new IllegalArgumentException("no " + jvmOptionsFile + " beside the jar: bench/run copies it there from "
                    + "cli/src/main/jvm/jvm.options");
        }
        return new FerryCommand(java, jar, jvmOptionsFile, Map.copyOf(extra));
    }

    static String environmentName(Role role) {
        return "BENCH_" + role.name() + "_OPTS";
    }

    /** {@code java @jvm.options [@jvm-linux.options] [jvmOptions] [extra options of role] -jar ferry.jar args...} */
    List<String> command(Role role, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        for (Path file : optionFiles()) {
            command.add("@" + file);
        }
        command.addAll(archiveOptions());
        command.addAll(jvmOptions);
        command.addAll(extraOptions.getOrDefault(role, List.of()));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** jvm.options, then jvm-linux.options when bench/run copied it (as the launcher adds it on Linux). */
    private List<Path> optionFiles() {
        Path linux = jvmOptionsFile.resolveSibling("jvm-linux.options");
        return Files.isRegularFile(linux) ? List.of(jvmOptionsFile, linux) : List.of(jvmOptionsFile);
    }

    /** The class-data archive's options, as the ./ferry launcher gives its own; none when bench/run could not make one. */
    private List<String> archiveOptions() {
        Path archive = jar.resolveSibling("ferry.jsa");
        return Files.isRegularFile(archive)
                ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off")
                : List.of();
    }

    /** The options of the JVM options file (without its comments) then the extra ones, for the report. */
    String describeOptions() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : optionFiles()) {
            for (String line : Files.readAllLines(file)) {
                int comment = line.indexOf('#');
                String options = (comment < 0 ? line : line.substring(0, comment)).trim();
                if (!options.isEmpty()) {
                    text.append(options).append(' ');
                }
            }
        }
        archiveOptions().forEach(option -> text.append(option.startsWith("-XX:SharedArchiveFile=")
                ? "-XX:SharedArchiveFile=ferry.jsa" : option).append(' '));
        if (extraOptions.isEmpty()) {
            return text.toString().trim();
        }
        text.append(" plus ");
        extraOptions.forEach((role, options) -> text.append(environmentName(role)).append("='")
                .append(String.join(" ", options)).append("' "));
        return text.toString().trim();
    }
}
