package dev.ferry.broker;

/**
 * What the broker says about a queue at one moment.
 *
 * @param queue        the queue asked about
 * @param waiting      messages on it not yet acknowledged by a consumer
 * @param consumers    consumers attached to it
 * @param deadLettered messages on its dead-letter queue
 * @param deadLetterConsumers consumers attached to its dead-letter queue
 * @param waitingBytes about how many bytes wait on it: {@code waiting} times the average size of the
 *                     messages it received (the broker's {@code averageMessageSize}, counted since
 *                     the broker started, so 0 after a restart until a message arrives)
 * @param present      whether the queue itself is on the broker
 */
public record QueueStatus(String queue, long waiting, long consumers, long deadLettered, long deadLetterConsumers,
                          long waitingBytes, boolean present) {

    /** The status of a queue on the broker, whose size in bytes is not known. */
    public QueueStatus(String queue, long waiting, long consumers, long deadLettered, long deadLetterConsumers) {
        this(queue, waiting, consumers, deadLettered, deadLetterConsumers, 0, true);
    }

    /** The status of a queue on the broker whose dead-letter queue nobody reads. */
    public QueueStatus(String queue, long waiting, long consumers, long deadLettered) {
        this(queue, waiting, consumers, deadLettered, 0);
    }

    /** The status of {@code queue} when neither it nor its dead-letter queue is on the broker. */
    public static QueueStatus absent(String queue) {
        return new QueueStatus(queue, 0, 0, 0, 0, 0, false);
    }
}
