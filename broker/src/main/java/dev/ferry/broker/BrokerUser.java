package dev.ferry.broker;

import java.util.Objects;

/**
 * A user the broker lets in, and what it may do there (see {@link AccessRules}).
 *
 * @param name     the user name clients log in with
 * @param password its password
 * @param role     what the user may do
 */
public record BrokerUser(String name, String password, Role role) {

    /** The roles of broker-config/activemq.xml, each a group there. */
    public enum Role {
        /** Sends to Ferry's queue. */
        PRODUCER("producers"),
        /** Reads Ferry's queue, reads and writes its dead-letter queue. */
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
    }

    @Override
    public String toString() {
        // Never the password: options end up in log lines.
        return name + " (" + role.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
