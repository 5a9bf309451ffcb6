package dev.ferry.wire;

import java.io.IOException;
import java.net.URI;
import org.apache.activemq.command.BrokerInfo;
import org.apache.activemq.transport.TransportListener;
import org.apache.activemq.transport.failover.FailoverTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when a {@code failover:} connection loses its broker and when it has found one
 * again, and which: the failover transport does both silently, holding sends and commits meanwhile,
 * so without these lines a takeover would leave no trace.
 */
final class FailoverWatch implements TransportListener {

    private static final Logger log = LoggerFactory.getLogger(FailoverWatch.class);

    private final String url;
    private volatile FailoverTransport transport;
    private volatile URI lastBroker;
    private volatile boolean interrupted;
    private volatile boolean resumed;
    private volatile String brokerName;

    FailoverWatch(String url) {
        this.url = url;
    }

    /** The transport to ask which broker it is connected to, once the connection has one. */
    void watch(FailoverTransport failover) {
        this.transport = failover;
        this.lastBroker = failover.getConnectedTransportURI();
    }

    @Override
    public void onCommand(Object command) {
        // The broker's name comes in its BrokerInfo, which may arrive before or after the failover
        // transport says it resumed: the line is written when both are known.
        if (interrupted && command instanceof BrokerInfo info) {
            brokerName = info.getBrokerName();
            sayWhereTo();
        }
    }

    @Override
    public void onException(IOException error) {
        // The connection's own exception listener hears it: the failover gave up.
    }

    @Override
    public void transportInterupted() {
        if (transport == null) {
            return; // Still connecting for the first time: the connect reports that.
        }
        interrupted = true;
        resumed = false;
        brokerName = null;
        log.warn("broker {} went away; failing over ({})", lastBroker, url);
    }

    @Override
    public void transportResumed() {
        if (interrupted) {
            resumed = true;
            sayWhereTo();
        }
    }

    private synchronized void sayWhereTo() {
        if (interrupted && resumed && brokerName != null) {
            interrupted = false;
            lastBroker = connectedBroker();
            log.info("failed over to {} (broker {})", lastBroker, brokerName);
        }
    }

    private URI connectedBroker() {
        FailoverTransport failover = transport;
        return failover == null ? null : failover.getConnectedTransportURI();
    }
}
