package dev.ferry.broker;

import java.util.List;

/**
 * What a retry of dead-lettered messages did with each selected message.
 *
 * @param moved    back on the queue, gone from the dead-letter queue
 * @param kept     left on the dead-letter queue, each with why
 * @param vanished gone from the dead-letter queue before the retry reached them, taken by someone else
 */
public record RetryReport(List<DeadLetter> moved, List<Kept> kept, List<DeadLetter> vanished) {

    public RetryReport {
        moved = List.copyOf(moved);
        kept = List.copyOf(kept);
        vanished = List.copyOf(vanished);
    }

    /**
     * A message a retry left where it was.
     *
     * @param message the message
     * @param why     the reason in a few words: why it does not decode, or why it cannot be copied
     */
    public record Kept(DeadLetter message, String why) {
    }
}
