package dev.ferry.producer;

import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;

/**
 * A broker in this JVM that keeps nothing on disk, reached at {@code vm://<name>?create=false},
 * with the statistics plugin of Ferry's brokers, which tells the producer whether a mirror's
 * queue exists before it answers that mirror's repair.
 */
final class InMemoryBroker {

    private InMemoryBroker() {
    }

    /** Starts the broker {@code name} and waits until it runs. */
    static BrokerService start(String name) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName(name);
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }
}
