package dev.ferry.broker;

import dev.ferry.wire.TlsStores;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A broker this one forwards mirrors' messages to, and how to log in there.
 *
 * @param to       the other broker: {@code tcp://}, {@code ssl://}, or {@code failover:(...)} for a
 *                 standby pair there
 * @param user     the user the link logs in as, there and here (ActiveMQ's duplex bridge uses one
 *                 login at both ends): an admin at both brokers; {@code null} for this broker's own user
 * @param password that user's password, or {@code null}
 * @param tls      the stores of an {@code ssl://} link, or {@code null} for the JVM's defaults
 */
public record Forward(URI to, String user, String password, TlsStores tls) {

    public Forward {
        Objects.requireNonNull(to, "the broker to forward to");
        String scheme = String.valueOf(to.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl") && !scheme.equals("failover")) {
            throw new IllegalArgumentException("cannot forward to " + to
                    + ": give tcp://HOST:PORT, ssl://HOST:PORT or failover:(...)");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("the user and password to forward to " + to + " must be given together");
        }
    }

    @Override
    public String toString() {
        return to + (user == null ? "" : " as " + user); // never the password
    }
}
