package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import java.util.List;

/**
 * What a {@link Producer} tells whoever watches it (metrics, heartbeats, progress): a listener
 * whose methods all do nothing unless overridden. They run on the producer's thread, so they must
 * be quick and must not throw.
 *
 * <p>Only what the broker committed is reported as published: a transaction that is lost is
 * sent again, and counted then.
 */
public interface ProducerObserver {

    /** The observer that ignores everything. */
    ProducerObserver NONE = new ProducerObserver() {
    };

    /**
     * A comparison of (part of) the tree with what was published found this to publish, before
     * publishing it: about {@code files} file bodies of {@code bytes} in all. Renames found later
     * send no body, so this is an upper bound.
     */
    default void differencesFound(long files, long bytes) {
    }

    /**
     * The broker committed a transaction.
     *
     * @param changes   the changes it completed, in order: file bodies (their last part),
     *                  directories, symlinks, deletes and renames; never the chunks of a body
     * @param bodyBytes the file body bytes it carried, chunks of bodies still to be completed included
     * @param wireBytes the message body bytes it carried on the stream's topic, as they traveled to
     *                  the broker (compressed where they were)
     */
    default void committed(List<ChangeEvent> changes, long bodyBytes, long wireBytes) {
    }

    /** The first comparison of {@link Producer#watch()} is done: what was there at start is published. */
    default void caughtUp() {
    }

    /**
     * An entry whose name is not valid in the file name encoding was found, which Ferry cannot
     * publish: once per path, shown as {@link dev.ferry.wire.FileNames#rawPath} shows it.
     */
    default void unnameable(String rawPath) {
    }

    /** An observer telling each of {@code observers}, in order. */
    static ProducerObserver all(List<ProducerObserver> observers) {
        List<ProducerObserver> all = List.copyOf(observers);
        return new ProducerObserver() {
            @Override
            public void differencesFound(long files, long bytes) {
                all.forEach(o -> o.differencesFound(files, bytes));
            }

            @Override
            public void committed(List<ChangeEvent> changes, long bodyBytes, long wireBytes) {
                all.forEach(o -> o.committed(changes, bodyBytes, wireBytes));
            }

            @Override
            public void caughtUp() {
                all.forEach(ProducerObserver::caughtUp);
            }

            @Override
            public void unnameable(String rawPath) {
                all.forEach(o -> o.unnameable(rawPath));
            }
        };
    }
}
