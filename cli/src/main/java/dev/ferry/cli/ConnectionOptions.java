package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import picocli.CommandLine.Option;

/** The options of every command that connects to a broker: which broker, which queue. */
final class ConnectionOptions {

    @Option(names = "--broker", paramLabel = "URL",
            description = "Broker URL; default: $FERRY_BROKER_URL if set, else " + BrokerEndpoint.DEFAULT_URL + ".")
    String broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = WireFormat.DEFAULT_QUEUE,
            description = "Queue of change events (default: ${DEFAULT-VALUE}).")
    String queue;

    /** The broker to use, with the credentials of FERRY_BROKER_USER and FERRY_BROKER_PASSWORD. */
    BrokerEndpoint endpoint() {
        return BrokerEndpoint.fromEnvironment(broker);
    }

    String queue() {
        return queue;
    }
}
