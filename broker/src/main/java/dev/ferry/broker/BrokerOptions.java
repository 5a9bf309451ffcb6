package dev.ferry.broker;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run the embedded broker: where it keeps its messages, where it listens, and whom it lets in.
 *
 * @param dataDir  the broker's own directory; KahaDB lives in {@code dataDir/kahadb}
 * @param listen   the OpenWire address to accept connections on, or {@code null} to be reachable
 *                 in-process only ({@code vm://ferry})
 * @param user     the one user allowed in, or {@code null} to accept anonymous connections
 * @param password that user's password; given exactly when {@code user} is
 * @param users    users with a role ({@link AccessRules}), let in besides {@code user}
 */
public record BrokerOptions(Path dataDir, URI listen, String user, String password, List<BrokerUser> users) {

    /** Loopback only: a broker reachable from other machines is a deliberate choice. */
    public static final URI DEFAULT_LISTEN = URI.create("tcp://127.0.0.1:61616");

    public BrokerOptions {
        Objects.requireNonNull(dataDir, "broker data directory");
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("broker user and password must be given together");
        }
        users = List.copyOf(users);
    }

    public BrokerOptions(Path dataDir, URI listen, String user, String password) {
        this(dataDir, listen, user, password, List.of());
    }

    /** Persistent in {@code dataDir}, listening on {@link #DEFAULT_LISTEN}, no authentication. */
    public static BrokerOptions defaults(Path dataDir) {
        return new BrokerOptions(dataDir, DEFAULT_LISTEN, null, null);
    }

    /** The same options listening on {@code address}, or in-process only when it is {@code null}. */
    public BrokerOptions withListen(URI address) {
        return new BrokerOptions(dataDir, address, user, password, users);
    }

    /** The same options admitting only {@code name} with {@code secret}; {@code null}s mean anyone. */
    public BrokerOptions withCredentials(String name, String secret) {
        return new BrokerOptions(dataDir, listen, name, secret, users);
    }

    /** The same options letting in {@code more} users as well, each with its role. */
    public BrokerOptions withUsers(BrokerUser... more) {
        List<BrokerUser> all = new ArrayList<>(users);
        all.addAll(List.of(more));
        return new BrokerOptions(dataDir, listen, user, password, all);
    }

    /** Whether connections must log in. */
    public boolean authenticated() {
        return user != null || !users.isEmpty();
    }

    @Override
    public String toString() {
        // Never the password: options end up in log lines.
        return "BrokerOptions[dataDir=" + dataDir + ", listen=" + (listen == null ? "in-process only" : listen)
                + (user == null ? "" : ", user=" + user) + (users.isEmpty() ? "" : ", users=" + users) + "]";
    }
}
