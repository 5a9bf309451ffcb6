package dev.ferry.producer;

import org.apache.activemq.broker.BrokerService;

/** A broker in this JVM that keeps nothing on disk, reached at {@code vm://<name>?create=false}. */
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
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }
}
