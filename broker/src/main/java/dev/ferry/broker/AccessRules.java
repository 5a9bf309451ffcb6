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
 * <p>Producers publish on the stream's topic ({@link WireFormat#changeTopicOf}) and may create and
 * write any mirror's queue of the stream, which they do not read: the broker copies the topic's
 * messages there itself, and a producer sends there the answers of a mirror's repair. The
 * consumer of a mirror (a user in group {@code mirror-<name>}, see {@link #mirrorGroup}) reads that
 * mirror's queue only, and reads and writes its dead-letter queue (the consumer dead-letters
 * poison itself). Mirror {@link WireFormat#DEFAULT_MIRROR} also reads the queue of before mirrors,
 * where older producers still send. Repairs: every consumer may write (and create) the stream's
 * control queue ({@link WireFormat#controlQueueOf}), which producers alone read; a consumer can
 * name any mirror's queue for the answer, so the producer answers only on the queue of the mirror
 * the request names, and only while that queue exists. Admins do everything. Producers and every
 * consumer (group {@code consumers}) may ask the statistics plugin ({@code ferry status}), use
 * temporary queues for its answers and the advisory topics every ActiveMQ client touches, and
 * publish and read heartbeats on the stream's status topic ({@link WireFormat#statusTopicOf}).
 * The union of all matching entries applies.
 */
public final class AccessRules {

    private static final String PRODUCERS = BrokerUser.Role.PRODUCER.group();
    private static final String CONSUMERS = BrokerUser.Role.CONSUMER.group();
    private static final String ADMINS = BrokerUser.Role.ADMIN.group();
    private static final String EVERYONE = String.join(",", ADMINS, PRODUCERS, CONSUMERS);
    private static final String CLIENTS = String.join(",", PRODUCERS, CONSUMERS);

    /** The mirrors broker-config/activemq.xml has users for: the consumer's, and the compose file's second. */
    public static final List<String> SHIPPED_MIRRORS = List.of(WireFormat.DEFAULT_MIRROR, "offsite");

    private AccessRules() {
    }

    /** The group of the users that consume {@code mirror}: {@code mirror-<name>}. */
    public static String mirrorGroup(String mirror) {
        return "mirror-" + WireFormat.checkMirrorName(mirror);
    }

    /** The entries for the stream {@code queue} and its {@code mirrors}, in the order of broker-config/activemq.xml. */
    public static List<AuthorizationEntry> entries(String queue, List<String> mirrors) {
        String legacyReaders = mirrorGroup(WireFormat.DEFAULT_MIRROR);
        List<AuthorizationEntry> entries = new ArrayList<>();
        entries.add(queue(">", ADMINS, ADMINS, ADMINS));
        entries.add(topic(">", ADMINS, ADMINS, ADMINS));
        entries.add(topic(WireFormat.changeTopicOf(queue), ADMINS, PRODUCERS, PRODUCERS));
        entries.add(queue(WireFormat.mirrorQueuesOf(queue), ADMINS, PRODUCERS, PRODUCERS));
        entries.add(queue(WireFormat.controlQueueOf(queue), PRODUCERS, CONSUMERS, CLIENTS));
        for (String mirror : mirrors) {
            String group = mirrorGroup(mirror);
            String mirrorQueue = WireFormat.mirrorQueueOf(mirror, queue);
            entries.add(queue(mirrorQueue, group, ADMINS, group));
            entries.add(queue(WireFormat.deadLetterQueueOf(mirrorQueue), group, group, group));
        }
        entries.add(queue(queue, legacyReaders, PRODUCERS, String.join(",", PRODUCERS, legacyReaders)));
        entries.add(queue(WireFormat.deadLetterQueueOf(queue), legacyReaders, legacyReaders, legacyReaders));
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

    /** The plugin enforcing these rules for the stream {@code queue} and its {@code mirrors}. */
    static AuthorizationPlugin pluginFor(String queue, List<String> mirrors) {
        DefaultAuthorizationMap map = new DefaultAuthorizationMap(
                new ArrayList<DestinationMapEntry>(entries(queue, mirrors)));
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
