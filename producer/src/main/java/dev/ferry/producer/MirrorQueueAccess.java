package dev.ferry.producer;

import java.util.List;

/**
 * The broker as the {@link MirrorWatch} sees it: the queues of the stream's mirrors, and the removal
 * of one. Used from the watch's thread only.
 */
public interface MirrorQueueAccess extends AutoCloseable {

    /**
     * Every mirror queue of the stream that is on the broker now.
     *
     * @throws Exception when the broker cannot be asked (gone, refusing, no statistics plugin)
     */
    List<MirrorBacklog> look() throws Exception;

    /**
     * Removes {@code mirror}'s queue with what waits on it, unless a consumer is attached.
     *
     * @return false when a consumer is attached (it attached since the look): the queue stays
     * @throws Exception when the broker refuses ({@link jakarta.jms.JMSSecurityException}) or is gone
     */
    boolean drop(String mirror) throws Exception;

    /** The broker, for log lines. */
    String broker();

    @Override
    void close();
}
