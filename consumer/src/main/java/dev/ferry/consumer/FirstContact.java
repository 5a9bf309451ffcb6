package dev.ferry.consumer;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

/**
 * What a consumer does on its first connection to the broker before it subscribes to its mirror's
 * queue, which the subscription creates if it is missing: the one moment the broker still shows
 * whether the mirror had a queue, for a late join or a repair to look at. Done on the consumer's own
 * connection, so the broker going away meanwhile is met like any loss while connecting.
 */
@FunctionalInterface
public interface FirstContact {

    /** Looks at nothing. */
    FirstContact NONE = connection -> { };

    /**
     * Called once, on the consumer's first connection, before it subscribes.
     *
     * @throws JMSException when the broker goes away or refuses; the consumer treats it as it
     *                      treats the same failure while connecting
     */
    void look(Connection connection) throws JMSException;

    /**
     * What this look learns of the consumer's mirror from its producers, perhaps after {@link #look}
     * returned: whether the mirror was dropped and needs a repair. Nothing, unless the look says.
     */
    default MirrorState mirrorState() {
        return MirrorState.nothingSaid();
    }
}
