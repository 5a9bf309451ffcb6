package dev.ferry.consumer;

import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.IndividualDeadLetterStrategy;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;

/**
 * A broker in this JVM that keeps nothing on disk, reached at {@code vm://<name>?create=false}, whose
 * own dead letters go to {@code DLQ.<queue>} as in Ferry's brokers.
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
        PolicyEntry policy = new PolicyEntry();
        IndividualDeadLetterStrategy dlq = new IndividualDeadLetterStrategy();
        dlq.setQueuePrefix("DLQ.");
        policy.setDeadLetterStrategy(dlq);
        PolicyMap map = new PolicyMap();
        map.setDefaultEntry(policy);
        broker.setDestinationPolicy(map);
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }
}
