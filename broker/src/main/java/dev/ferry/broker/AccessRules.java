package dev.ferry.broker;

import dev.ferry.wire.WireFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.AuthorizationPlugin;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.TempDestinationAuthorizationEntry;

/**
 * Who may do what on the broker: the authorization map of broker-config/activemq.xml, built in
 * code for the embedded broker. Change both together (AccessRulesTest compares them).
 *
 * <p>Producers only send to Ferry's queue; consumers read it and read and write its dead-letter
 * queue (the consumer dead-letters poison itself); admins do everything. All of them may ask the
 * statistics plugin ({@code ferry status}), use temporary queues for its answers and the advisory
 * topics every ActiveMQ client touches, and publish and read heartbeats on the queue's status
 * topic ({@link WireFormat#statusTopicOf}). The union of all matching entries applies.
 */
public final class AccessRules {

    private static final String PRODUCERS = BrokerUser.Role.PRODUCER.group();
    private static final String CONSUMERS = BrokerUser.Role.CONSUMER.group();
    private static final String ADMINS = BrokerUser.Role.ADMIN.group();
    private static final String EVERYONE = String.join(",", ADMINS, PRODUCERS, CONSUMERS);
    private static final String CLIENTS = String.join(",", PRODUCERS, CONSUMERS);

    private AccessRules() {
    }

    /** The entries for {@code queue}, in the order of broker-config/activemq.xml. */
    public static List<AuthorizationEntry> entries(String queue) {
        List<AuthorizationEntry> entries = new ArrayList<>();
        entries.add(queue(">", ADMINS, ADMINS, ADMINS));
        entries.add(topic(">", ADMINS, ADMINS, ADMINS));
        entries.add(queue(queue, CONSUMERS, PRODUCERS, CLIENTS));
        entries.add(queue(WireFormat.deadLetterQueueOf(queue), CONSUMERS, CONSUMERS, CONSUMERS));
        entries.add(queue("ActiveMQ.Statistics.Destination.>", CLIENTS, CLIENTS, CLIENTS));
        entries.add(topic(WireFormat.statusTopicOf(queue), CLIENTS, CLIENTS, CLIENTS));
        entries.add(topic("ActiveMQ.Advisory.>", CLIENTS, CLIENTS, CLIENTS));
        return entries;
    }

    /** What every role may do with temporary destinations. */
    public static TempDestinationAuthorizationEntry temporaryDestinations() {
        TempDestinationAuthorizationEntry entry = new TempDestinationAuthorizationEntry();
        grant(entry, EVERYONE, EVERYONE, EVERYONE);
        return entry;
    }

    /** The plugin enforcing these rules for {@code queue}. */
    static AuthorizationPlugin pluginFor(String queue) {
        DefaultAuthorizationMap map = new DefaultAuthorizationMap(new ArrayList<DestinationMapEntry>(entries(queue)));
        map.setTempDestinationAuthorizationEntry(temporaryDestinations());
        return new AuthorizationPlugin(map);
    }

    private static AuthorizationEntry queue(String name, String read, String write, String admin) {
        AuthorizationEntry entry = new AuthorizationEntry();
        entry.setQueue(name);
        grant(entry, read, write, admin);
        return entry;
    }

    private static AuthorizationEntry topic(String name, String read, String write, String admin) {
        AuthorizationEntry entry = new AuthorizationEntry();
        entry.setTopic(name);
        grant(entry, read, write, admin);
        return entry;
    }

    private static void grant(AuthorizationEntry entry, String read, String write, String admin) {
        try {
            entry.setRead(read);
            entry.setWrite(write);
            entry.setAdmin(admin);
        } catch (Exception e) {
            throw new IllegalStateException("bad group list in an access rule: " + e.getMessage(), e);
        }
    }
}
