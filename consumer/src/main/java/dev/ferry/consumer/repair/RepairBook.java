package dev.ferry.consumer.repair;

import java.io.IOException;
import java.time.Instant;

/**
 * What a mirror's repair must remember across restarts, kept by the consumer with what it applied
 * (its ledger), so that a gap seen, or a repair asked for, is never forgotten by a crash, and an
 * answer applied is never waited for again.
 */
public interface RepairBook {

    /** Whether the mirror wants a repair: it is new, or it missed messages of its stream. */
    boolean repairWanted();

    /** The id of the repair asked for and not answered yet, or null. */
    String repairInFlight();

    /**
     * Records, durably before it returns, that repair {@code id} was asked for {@code at}: it is in flight,
     * and no repair is wanted any more (a gap seen from now on wants another). Call it between
     * transactions.
     */
    void asked(String id, Instant at) throws IOException;

    /** When the last repair was asked for, by this process or one before it; null if never. */
    Instant lastAsked();

    /** Records that the repair in flight was answered, durably with the transaction that took its answer. */
    void answered();

    /**
     * Records, durably before it returns, that the repair in flight is given up and a repair is
     * wanted: its answer is lost (with a dropped or lost queue, or a producer that dropped the
     * request), so the next request must be a new one. Call it between transactions.
     */
    void gaveUp() throws IOException;
}
