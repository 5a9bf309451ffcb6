package dev.ferry.broker;

import dev.ferry.wire.WireFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A user the broker lets in, and what it may do there (see {@link AccessRules}).
 *
 * @param name     the user name clients log in with
 * @param password its password
 * @param role     what the user may do
 * @param mirror   for a consumer, the one mirror whose queue it may read; {@code null} for the others
 */
public record BrokerUser(String name, String password, Role role, String mirror) {

    /** The roles of broker-config/activemq.xml, each a group there. */
    public enum Role {
        /** Publishes on the stream's topic, creates the mirrors' queues and answers their repairs there. */
        PRODUCER("producers"),
        /** Reads one mirror's queue, reads and writes its dead-letter queue, asks for repairs on the control queue. */
        CONSUMER("consumers"),
        /** Everything. */
        ADMIN("admins");

        private final String group;

        Role(String group) {
            this.group = group;
        }

        /** The group that authorization entries name. */
        public String group() {
            return group;
        }
    }

    public BrokerUser {
        Objects.requireNonNull(name, "user name");
        Objects.requireNonNull(password, "password of " + name);
        Objects.requireNonNull(role, "role of " + name);
        if ((role == Role.CONSUMER) != (mirror != null)) {
            throw new IllegalArgumentException("a consumer, and only a consumer, is the user of a mirror: " + name);
        }
        if (mirror != null) {
            WireFormat.checkMirrorName(mirror);
        }
    }

    /** A user of {@code role}; a consumer is mirror {@link WireFormat#DEFAULT_MIRROR}'s. */
    public BrokerUser(String name, String password, Role role) {
        this(name, password, role, role == Role.CONSUMER ? WireFormat.DEFAULT_MIRROR : null);
    }

    /** The consumer of {@code mirror}. */
    public static BrokerUser consumerOf(String mirror, String name, String password) {
        return new BrokerUser(name, password, Role.CONSUMER, mirror);
    }

    /** The groups the user is in, comma-separated: a consumer is in its role's and its mirror's. */
    public String groups() {
        return mirror == null ? role.group() : role.group() + "," + AccessRules.mirrorGroup(mirror);
    }

    @Override
    public String toString() {
        // Never the password: options end up in log lines.
        return name + " (" + role.name().toLowerCase(Locale.ROOT) + (mirror == null ? "" : " of mirror " + mirror) + ")";
    }
}
