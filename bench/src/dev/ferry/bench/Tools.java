package dev.ferry.bench;

import java.time.Duration;
import java.util.List;

/**
 * The baseline tools on this machine and what they can do.
 *
 * @param rsyncVersion  first line of {@code rsync --version}
 * @param rsyncFsync    whether this rsync has {@code --fsync} (3.2.4 and later)
 * @param cpVersion     first line of {@code cp --version}
 * @param lsyncdVersion {@code lsyncd -version}'s "Version: 2.2.3" as "lsyncd 2.2.3" (scenario 4's baseline)
 */
record Tools(String rsyncVersion, boolean rsyncFsync, String cpVersion, String lsyncdVersion) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Tools detect(Launcher launcher) throws InterruptedException {
        String rsync = launcher.run("rsync-version", List.of("rsync", "--version"), TIMEOUT).output();
        String rsyncHelp = launcher.run("rsync-help", List.of("rsync", "--help"), TIMEOUT).output();
        String cp = launcher.run("cp-version", List.of("cp", "--version"), TIMEOUT).output();
        String lsyncd;
        try {
            lsyncd = "lsyncd " + firstLine(launcher.run("lsyncd-version", List.of("lsyncd", "-version"), TIMEOUT)
                    .output()).replaceFirst("^Version: *", "");
        } catch (BenchException notInstalled) {
            lsyncd = "lsyncd (not installed: bench/run installs it only for scenario 4)";
        }
        return new Tools(firstLine(rsync), rsyncHelp.contains("--fsync"), firstLine(cp), lsyncd);
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("unknown").trim().replaceAll("\\s+", " ");
    }
}
