package dev.ferry.broker;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run the embedded broker: where it keeps its messages, where it listens, whom it lets in,
 * what it is called and where it forwards mirrors' messages to.
 *
 * @param dataDir    the broker's own directory; KahaDB lives in {@code dataDir/kahadb}
 * @param listen     the OpenWire address to accept connections on, or {@code null} to be reachable
 *                   in-process only ({@code vm://NAME})
 * @param user       the one user allowed in, or {@code null} to accept anonymous connections
 * @param password   that user's password; given exactly when {@code user} is
 * @param users      users with a role ({@link AccessRules}), let in besides {@code user}
 * @param brokerName the broker's name, unique among brokers that forward to each other (ActiveMQ
 *                   names a bridge's connection after it); both brokers of a standby pair share it
 * @param forwards   the brokers this one forwards mirrors' messages to ({@link Forwarding})
 */
public record BrokerOptions(Path dataDir, URI listen, String user, String password, List<BrokerUser> users,
                            String brokerName, List<Forward> forwards) {

    /** Loopback only: a broker reachable from other machines is a deliberate choice. */
    public static final URI DEFAULT_LISTEN = URI.create("tcp://127.0.0.1:61616");

    /** The name of a broker not told otherwise. */
    public static final String DEFAULT_NAME = "ferry";

    /** What a broker name may hold: it becomes part of a URL ({@code vm://NAME}) and of client ids. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public BrokerOptions {
        Objects.requireNonNull(dataDir, "broker data directory");
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("broker user and password must be given together");
        }
        if (!NAME.matcher(brokerName).matches()) {
            throw new IllegalArgumentException("broker name '" + brokerName
                    + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        users = List.copyOf(users);
        forwards = List.copyOf(forwards);
    }

    public BrokerOptions(Path dataDir, URI listen, String user, String password) {
        this(dataDir, listen, user, password, List.of(), DEFAULT_NAME, List.of());
    }

    /** Persistent in {@code dataDir}, listening on {@link #DEFAULT_LISTEN}, no authentication. */
    public static BrokerOptions defaults(Path dataDir) {
        return new BrokerOptions(dataDir, DEFAULT_LISTEN, null, null);
    }

    /** The same options listening on {@code address}, or in-process only when it is {@code null}. */
    public BrokerOptions withListen(URI address) {
        return new BrokerOptions(dataDir, address, user, password, users, brokerName, forwards);
    }

    /** The same options admitting only {@code name} with {@code secret}; {@code null}s mean anyone. */
    public BrokerOptions withCredentials(String name, String secret) {
        return new BrokerOptions(dataDir, listen, name, secret, users, brokerName, forwards);
    }

    /** The same options letting in {@code more} users as well, each with its role. */
    public BrokerOptions withUsers(BrokerUser... more) {
        List<BrokerUser> all = new ArrayList<>(users);
        all.addAll(List.of(more));
        return new BrokerOptions(dataDir, listen, user, password, all, brokerName, forwards);
    }

    /** The same options for a broker called {@code name}. */
    public BrokerOptions withBrokerName(String name) {
        return new BrokerOptions(dataDir, listen, user, password, users, name, forwards);
    }

    /** The same options forwarding to {@code more} brokers as well. */
    public BrokerOptions withForwards(List<Forward> more) {
        List<Forward> all = new ArrayList<>(forwards);
        all.addAll(more);
        return new BrokerOptions(dataDir, listen, user, password, users, brokerName, all);
    }

    /** Whether connections must log in. */
    public boolean authenticated() {
        return user != null || !users.isEmpty();
    }

    @Override
    public String toString() {
        // Never a password: options end up in log lines.
        return "BrokerOptions[dataDir=" + dataDir + ", listen=" + (listen == null ? "in-process only" : listen)
                + (user == null ? "" : ", user=" + user) + (users.isEmpty() ? "" : ", users=" + users)
                + ", name=" + brokerName + (forwards.isEmpty() ? "" : ", forwards=" + forwards) + "]";
    }
}
