package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the report says about the machine the benchmark ran on. */
final class Machine {

    private Machine() {
    }

    /** Name → value, in the order the report lists them. */
    static Map<String, String> describe(Path work, Tools tools) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        facts.put("CPU", Runtime.getRuntime().availableProcessors() + " × " + cpuModel() + " (nproc = "
                + Runtime.getRuntime().availableProcessors() + ")");
        facts.put("memory", memory());
        facts.put("kernel", read("/proc/sys/kernel/osrelease"));
        facts.put("OS", os());
        facts.put("disk (work directory)", disk(work));
        facts.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        facts.put("rsync", tools.rsyncVersion());
        facts.put("cp", tools.cpVersion());
        facts.put("lsyncd", tools.lsyncdVersion());
        return facts;
    }

    /** The 1, 5 and 15 minute load averages, as the kernel reports them. */
    static String loadAverage() {
        String[] fields = read("/proc/loadavg").split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    }

    private static String cpuModel() {
        return lines("/proc/cpuinfo").stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static String memory() {
        return lines("/proc/meminfo").stream().filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .map(kib -> String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0))
                .findFirst().orElse("unknown");
    }

    private static String os() {
        return lines("/etc/os-release").stream().filter(line -> line.startsWith("PRETTY_NAME="))
                .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", "")).findFirst().orElse("unknown");
    }

    private static String disk(Path work) {
        try {
            FileStore store = Files.getFileStore(work);
            return store.type() + " on " + store.name() + " (" + work + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String read(String file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? "unknown" : lines.get(0).trim();
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
