package dev.ferry.producer.repair;

import java.io.IOException;

/**
 * Whether a mirror's queue is on the broker now: the producer answers a mirror's repair only
 * then. An answer sent to a queue that is not there would make it, and with it a mirror that
 * receives every change from then on: one removed while its request waited ({@code ferry mirror
 * remove}, or dropped for its backlog), or one that a hostile request names. A consumer
 * subscribes, which makes its queue, before it asks.
 */
@FunctionalInterface
public interface MirrorQueueCheck {

    /**
     * Whether {@code mirror}'s queue of the stream exists on the broker.
     *
     * @throws dev.ferry.producer.BrokerUnavailableException when the broker is lost: waited for,
     *         and the question asked again with the request, which comes again
     * @throws RefusedAnswerException when the broker cannot tell (it refuses the question, or
     *         nothing answers it): the repair is not answered
     */
    boolean exists(String mirror) throws IOException;
}
