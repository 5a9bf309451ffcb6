package dev.ferry.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where Ferry keeps its state when not told: {@code $XDG_DATA_HOME/ferry}, else
 * {@code ~/.local/share/ferry}; never the current directory, which changes from run to run.
 *
 * <p>Inside it, {@code broker/} holds the embedded broker and {@code producer/<key>/} the state of
 * the producer of one source and queue.
 */
final class DataDirectory {

    private DataDirectory() {
    }

    /** The default data directory of this user, given the environment. */
    static Path of(Map<String, String> environment) {
        return resolve(environment, System.getProperty("user.home"));
    }

    static Path resolve(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_DATA_HOME");
        // The XDG specification says to ignore a relative value.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "ferry");
        }
        if (userHome == null || userHome.isBlank() || !Path.of(userHome).isAbsolute()) {
            throw new IllegalStateException("cannot tell where to keep state: no home directory and no "
                    + "XDG_DATA_HOME; give --data (or --state)");
        }
        return Path.of(userHome, ".local", "share", "ferry");
    }

    /** The embedded broker's directory. */
    static Path broker(Path dataDir) {
        return dataDir.resolve("broker");
    }

    /** The state directory of the producer that publishes {@code source} (absolute) on {@code queue}. */
    static Path producerState(Path dataDir, Path source, String queue) {
        return dataDir.resolve("producer").resolve(producerKey(source, queue));
    }

    /** The first 16 hex digits of sha256(absolute source + queue): one state per source and queue. */
    static String producerKey(Path source, String queue) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((source.toAbsolutePath().normalize() + queue).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
