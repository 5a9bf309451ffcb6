package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.AuthorizationPlugin;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Given a broker whose access rules predate repairs, a producer publishes as before: it says once
 * that it cannot answer repairs, and a repair it may not answer, or whose mirror's queue the broker
 * will not say exists, costs a warning, never the run.
 */
@Timeout(60)
class RepairAccessTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    BrokerService broker;
    SourceFixture tree;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    List<AutoCloseable> closing = new ArrayList<>();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    List<Logger> listened = List.of((Logger) LoggerFactory.getLogger(ControlQueueReader.class),
            (Logger) LoggerFactory.getLogger(dev.ferry.producer.repair.RepairResponder.class));

    @BeforeEach
    void aSource() {
        tree = new SourceFixture(temp);
        tree.write("a.txt", "a");
        logged.start();
        listened.forEach(logger -> logger.addAppender(logged));
    }

    @AfterEach
    void stopAll() throws Exception {
        listened.forEach(logger -> logger.detachAppender(logged));
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        executor.shutdownNow();
        broker.stop();
        broker.waitUntilStopped();
    }

    @Test
    void aProducerThatMayNotReadTheControlQueueSaysSoOnceAndPublishes() throws Exception {
        broker = broker(false, true);
        HandMirror office = mirror();
        watch();

        await().atMost(WITHIN).until(() -> {
            office.drain(Duration.ofMillis(200));
            return office.equals(tree.source);
        });
        assertThat(warnings()).singleElement().asString().startsWith(
                "not answering repair requests: the broker refuses this producer reading ferry.control.ferry.changes");
    }

    @Test
    void aRepairTheProducerMayNotAnswerCostsAWarningAndPublishingGoesOn() throws Exception {
        broker = broker(true, true);

        assertThat(warningsOfARefusedRepairThenAChange()).singleElement().asString().contains(
                "refuses this producer the queue " + WireFormat.mirrorQueueOf("office", "ferry.changes"));
    }

    @Test
    void aRepairOfAMirrorWhoseQueueTheBrokerWillNotTellOfCostsAWarningAndPublishingGoesOn() throws Exception {
        broker = broker(true, false);

        assertThat(warningsOfARefusedRepairThenAChange()).singleElement().asString().startsWith("cannot answer repair ")
                .contains("refuses this producer the statistics query that tells whether "
                        + WireFormat.mirrorQueueOf("office", "ferry.changes") + " exists");
    }

    /**
     * Mirror office asks for a repair the producer cannot answer, then the source changes: the
     * warnings, once the mirror holds what the source does.
     */
    private List<String> warningsOfARefusedRepairThenAChange() throws Exception {
        HandMirror office = mirror();
        watch();
        office.requestRepair();

        await().atMost(WITHIN).until(() -> !warnings().isEmpty());
        tree.write("b.txt", "published after the refused repair");
        await().atMost(WITHIN).until(() -> {
            office.drain(Duration.ofMillis(200));
            return office.equals(tree.source);
        });
        return warnings();
    }

    private List<String> warnings() {
        return logged.list.stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private HandMirror mirror() throws Exception {
        HandMirror mirror = new HandMirror(new BrokerEndpoint("vm://repair-access?create=false", "admin", "admin"),
                "ferry.changes", "office", temp.resolve("mirror"));
        closing.add(mirror);
        return mirror;
    }

    private void watch() throws Exception {
        BrokerEndpoint endpoint = new BrokerEndpoint("vm://repair-access?create=false", "producer", "producer");
        Producer producer = Producer.open(tree.settings().withMirrors(List.of("office")), endpoint);
        Future<?> watching = executor.submit(() -> {
            producer.watch();
            return null;
        });
        closing.add(() -> {
            producer.close();
            watching.get(15, TimeUnit.SECONDS);
        });
    }

    /**
     * A broker with the rules of before repairs: the producer publishes on the stream's topic and
     * makes mirrors' queues; with {@code controlQueue}, it may also read the control queue, but
     * still not write a mirror's queue; with {@code statistics}, it may ask the statistics plugin
     * (ferry status), as those rules let it.
     */
    private static BrokerService broker(boolean controlQueue, boolean statistics) throws Exception {
        List<DestinationMapEntry> entries = new ArrayList<>();
        entries.add(entry("queue", ">", "admins", "admins", "admins"));
        entries.add(entry("topic", ">", "admins", "admins", "admins"));
        entries.add(entry("topic", "VirtualTopic.ferry.changes", "admins", "producers", "producers"));
        entries.add(entry("queue", "Consumer.*.VirtualTopic.ferry.changes", "admins", "admins", "producers"));
        entries.add(entry("topic", "ActiveMQ.Advisory.>", "producers", "producers", "producers"));
        if (controlQueue) {
            entries.add(entry("queue", "ferry.control.ferry.changes", "producers", "admins", "producers"));
        }
        if (statistics) {
            entries.add(entry("queue", "ActiveMQ.Statistics.Destination.>", "producers", "producers", "producers"));
        }
        BrokerService broker = new BrokerService();
        broker.setBrokerName("repair-access");
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin(),
                new SimpleAuthenticationPlugin(List.of(new AuthenticationUser("admin", "admin", "admins"),
                        new AuthenticationUser("producer", "producer", "producers"))),
                new AuthorizationPlugin(new DefaultAuthorizationMap(entries))});
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    private static AuthorizationEntry entry(String kind, String name, String read, String write, String admin)
            throws Exception {
        AuthorizationEntry entry = new AuthorizationEntry();
        if (kind.equals("queue")) {
            entry.setQueue(name);
        } else {
            entry.setTopic(name);
        }
        entry.setRead(read);
        entry.setWrite(write);
        entry.setAdmin(admin);
        return entry;
    }
}
