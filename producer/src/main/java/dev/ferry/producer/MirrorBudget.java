package dev.ferry.producer;

import dev.ferry.wire.ByteSize;

/**
 * How large a mirror's backlog may grow before the mirror is dropped, and what the broker's limits
 * allow, in the terms of broker-config/ and {@code ferry broker} (an 8 GiB store, 64 MiB of memory,
 * each queue caching at most 40% of 16 MiB).
 *
 * <p><b>Store.</b> KahaDB keeps a journal file while any message in it is unconsumed, and the broker
 * writes every mirror's copy of a change into the same files; so while one mirror is away, the store
 * holds what was published since it left once per mirror queue (measured: 3 mirrors, one away with
 * 100 MiB waiting, 320 MiB of journal; 32 MiB once its queue was removed). With Q mirror queues and
 * a backlog limit L, the store holds about Q x L when the drop comes, and it must not be full by
 * then, or flow control stops the producer for every mirror before the backlog ever reaches L. The
 * automatic limit keeps Q x L within three quarters of the store (6 GiB), leaving the rest for the
 * mirrors that are connected but behind and for transactions in flight: 2 GiB up to 3 mirror
 * queues, 6 GiB / Q beyond. An explicit limit is used as given, with a warning when Q x L passes
 * those 6 GiB.
 *
 * <p><b>Memory.</b> A queue nobody consumes keeps up to 40% of its 16 MiB (7 MiB measured) of
 * waiting messages cached, and a producer's transaction needs up to 8 MiB more: with 8 or more
 * mirror queues behind at once the broker's 64 MiB are full and the producer blocks, whatever the
 * backlog limit (measured: 7 queues published on, 8 blocked). That cannot be helped from here; it
 * is warned about.
 *
 * @param limitBytes the limit given, or {@link #DEFAULT_LIMIT}
 * @param explicit   whether it was given ({@code --mirror-backlog-limit}) rather than the default
 */
public record MirrorBudget(long limitBytes, boolean explicit) {

    /** A quarter of the store: with up to 3 mirror queues, the store is at most 3/4 full when one is dropped. */
    public static final long DEFAULT_LIMIT = 2L << 30;
    /** The store limit of broker-config/ and {@code ferry broker}. */
    static final long STORE = 8L << 30;
    /** What the backlogs of all mirror queues may take together, one of them away: three quarters of the store. */
    static final long STORE_FOR_BACKLOGS = STORE / 4 * 3;
    /** The most mirror queues whose caches, full, leave room in the broker's memory for a transaction. */
    static final int QUEUES_IN_MEMORY = 7;

    public MirrorBudget {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("a mirror backlog limit of " + limitBytes + " bytes is not positive");
        }
    }

    /** The default: 2 GiB, lowered when the stream has more than 3 mirror queues. */
    public static MirrorBudget automatic() {
        return new MirrorBudget(DEFAULT_LIMIT, false);
    }

    /** {@code bytes}, as given. */
    public static MirrorBudget of(long bytes) {
        return new MirrorBudget(bytes, true);
    }

    /** The backlog past which a mirror without a consumer is dropped, when the stream has {@code mirrorQueues}. */
    public long limitFor(int mirrorQueues) {
        if (explicit) {
            return limitBytes;
        }
        return Math.min(limitBytes, STORE_FOR_BACKLOGS / Math.max(1, mirrorQueues));
    }

    /** Why {@code mirrorQueues} with this limit may fill the store, or null. */
    String storeWarning(int mirrorQueues) {
        if (!explicit || (double) mirrorQueues * limitBytes <= STORE_FOR_BACKLOGS) {
            return null;
        }
        return "with " + mirrorQueues + " mirror queues and a backlog limit of " + ByteSize.format(limitBytes)
                + ", the broker's store may hold about " + ByteSize.format(mirrorQueues * limitBytes)
                + " before a mirror that stays away is dropped (every mirror's copy of what it missed); past "
                + ByteSize.format(STORE_FOR_BACKLOGS) + " of the 8 GiB store of broker-config/ and ferry broker, "
                + "a full store stops the producer for every mirror: lower --mirror-backlog-limit, or raise the "
                + "broker's store limit";
    }

    /** "auto", or the limit given: "2 GiB". */
    @Override
    public String toString() {
        return explicit ? ByteSize.format(limitBytes) : "auto";
    }

    /** Why {@code mirrorQueues} may fill the broker's memory, or null. */
    String memoryWarning(int mirrorQueues) {
        if (mirrorQueues <= QUEUES_IN_MEMORY) {
            return null;
        }
        return "the stream has " + mirrorQueues + " mirror queues: each one behind keeps up to 7 MiB of the 64 MiB "
                + "of memory of broker-config/ and ferry broker, and with " + (QUEUES_IN_MEMORY + 1)
                + " or more behind at once the broker stops the producer for every mirror; remove the mirrors gone "
                + "for good ('ferry mirror remove'), or raise the broker's memoryUsage";
    }
}
