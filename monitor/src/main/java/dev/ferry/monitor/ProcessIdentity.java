package dev.ferry.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which process a heartbeat comes from: {@code host:pid}, what {@code ferry status} shows.
 *
 * @param host the machine's name
 * @param pid  the process ID
 */
public record ProcessIdentity(String host, long pid) {

    /** This process. */
    public static ProcessIdentity current() {
        return new ProcessIdentity(hostName(), ProcessHandle.current().pid());
    }

    /** {@code host:pid}. */
    public String id() {
        return host + ":" + pid;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
