package dev.ferry.producer;

import java.io.IOException;

/**
 * The sink lost its broker: the connection failed, or the broker rolled the transaction back (as
 * a {@code failover:} connection does when it reconnects mid-transaction). Whatever was sent since
 * the last commit is not committed, and the sink must {@link ChangeSink#reconnect() reconnect}
 * before it is used again.
 *
 * <p>A type of its own, because the producer waits out a lost broker, while any other
 * {@link IOException} (a file it cannot read, an index it cannot write) ends the run.
 */
public final class BrokerUnavailableException extends IOException {

    private final String broker;
    private final String reason;

    /**
     * @param broker which broker, as the user named it
     * @param reason why it is unavailable, in one line
     */
    public BrokerUnavailableException(String broker, String reason, Throwable cause) {
        super("broker " + broker + " is unavailable: " + reason, cause);
        this.broker = broker;
        this.reason = reason;
    }

    public String broker() {
        return broker;
    }

    public String reason() {
        return reason;
    }
}
