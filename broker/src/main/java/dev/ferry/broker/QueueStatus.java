package dev.ferry.broker;

/**
 * What the broker says about a queue at one moment.
 *
 * @param queue        the queue asked about
 * @param waiting      messages on it not yet acknowledged by a consumer
 * @param consumers    consumers attached to it
 * @param deadLettered messages on its dead-letter queue
 * @param deadLetterConsumers consumers attached to its dead-letter queue
 */
public record QueueStatus(String queue, long waiting, long consumers, long deadLettered, long deadLetterConsumers) {

    /** The status of a queue whose dead-letter queue nobody reads. */
    public QueueStatus(String queue, long waiting, long consumers, long deadLettered) {
        this(queue, waiting, consumers, deadLettered, 0);
    }
}
