package dev.ferry.consumer;

import java.util.List;

/**
 * What a {@link Consumer} tells whoever watches it (metrics, heartbeats, progress): a listener
 * whose methods all do nothing unless overridden. They run on the consumer's thread, so they must
 * be quick and must not throw.
 *
 * <p>Only committed transactions are reported: what a rolled-back transaction applied comes
 * again, and is counted then.
 */
public interface ConsumerObserver {

    /** The observer that ignores everything. */
    ConsumerObserver NONE = new ConsumerObserver() {
    };

    /** A transaction committed: what it applied is durable in the replica, what it dead-lettered is on the DLQ. */
    default void committed(CommittedBatch batch) {
    }

    /** The consumer asked for messages and none came: it has caught up with the queue. */
    default void idle() {
    }

    /** An observer telling each of {@code observers}, in order. */
    static ConsumerObserver all(List<ConsumerObserver> observers) {
        List<ConsumerObserver> all = List.copyOf(observers);
        return new ConsumerObserver() {
            @Override
            public void committed(CommittedBatch batch) {
                all.forEach(o -> o.committed(batch));
            }

            @Override
            public void idle() {
                all.forEach(ConsumerObserver::idle);
            }
        };
    }
}
