package dev.ferry.wire;

/**
 * The constants both sides agree on: version, JMS property names, queue naming and limits.
 */
public final class WireFormat {

    /**
     * The envelope version this build writes. Version 2 is version 1 with the event JSON in ASCII
     * (see {@link WireText}): version 1 carried names outside the Basic Multilingual Plane in a
     * form the broker's string coder corrupts.
     */
    public static final int VERSION = 2;

    /**
     * The oldest envelope version this build still reads, so that what an older producer left on a
     * queue is applied after an upgrade (see {@link EventMessages#decode} for what it refuses).
     */
    public static final int OLDEST_VERSION = 1;

    /** Integer property: the envelope version. A message without it is not a Ferry message. */
    public static final String VERSION_PROPERTY = "ferryVersion";

    /** String property: the event as JSON in ASCII (see {@link EventCodec}). */
    public static final String EVENT_PROPERTY = "ferryEvent";

    /**
     * String property: instead of {@link #EVENT_PROPERTY}, a JSON array of whole-file
     * {@link ChangeEvent.PutFile} events whose bodies follow one another in the message body.
     * Small files travel this way, many to a message, so the per-message costs of the producer,
     * the broker's store and the consumer are paid once for all of them.
     */
    public static final String BUNDLE_PROPERTY = "ferryBundle";

    /** The most files one bundle may carry. */
    public static final int MAX_BUNDLE_FILES = 1024;

    /**
     * String property set on dead-lettered messages: why the consumer gave up on them, made ASCII
     * by {@link WireText#escape} (the reason names a path, which may hold any character).
     */
    public static final String DEAD_LETTER_REASON_PROPERTY = "ferryDeadLetterReason";

    /** Long property set on dead-lettered messages: when (epoch millis) they were dead-lettered. */
    public static final String DEAD_LETTER_TIME_PROPERTY = "ferryDeadLetterTime";

    /** String property set on dead-lettered messages: the JMSMessageID of the message that failed. */
    public static final String ORIGINAL_MESSAGE_ID_PROPERTY = "ferryOriginalMessageId";

    /** The queue both sides use unless told otherwise. */
    public static final String DEFAULT_QUEUE = "ferry.changes";

    /** What the name of every status topic starts with; see {@link #statusTopicOf}. */
    public static final String STATUS_TOPIC_PREFIX = "ferry.status.";

    /** The largest body one message may carry; larger files travel as several chunks. */
    public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

    /**
     * How many message groups paths are spread over. Events of one top-level entry always share
     * a group, so one consumer applies them in order; a bounded number keeps the broker's group
     * table small however many top-level entries there are.
     */
    public static final int GROUPS = 64;

    private WireFormat() {
    }

    /** The dead-letter queue of {@code queue}, as configured in broker-config/ and the embedded broker. */
    public static String deadLetterQueueOf(String queue) {
        return "DLQ." + queue;
    }

    /**
     * The topic where the producers and consumers of {@code queue} publish their heartbeats, which
     * {@code ferry status} reads. The brokers keep its latest messages for new subscribers (see
     * broker-config/activemq.xml and the embedded broker).
     */
    public static String statusTopicOf(String queue) {
        return STATUS_TOPIC_PREFIX + queue;
    }

    /** The {@code JMSXGroupID} of an event: every event under one top-level entry shares it. */
    public static String groupOf(ChangeEvent event) {
        int bucket = Math.floorMod(event.groupPath().topLevel().hashCode(), GROUPS);
        return "ferry-" + bucket;
    }

    /**
     * Whether a relative symlink {@code target}, read from the link at {@code link}, stays inside
     * the tree. ".." may only lead the target: after a named segment, which may itself be a link,
     * the kernel resolves ".." from wherever that link points, so no textual check could bound it.
     */
    public static boolean symlinkStaysInside(RelPath link, String target) {
        if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
            return false;
        }
        int depth = 0;
        for (RelPath parent = link.parent(); parent != null; parent = parent.parent()) {
            depth++;
        }
        boolean descending = false;
        for (String segment : target.split("/")) {
            if (segment.equals("..")) {
                if (descending || --depth < 0) {
                    return false;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                if (depth == 0 && !descending && segment.equals(RelPath.RESERVED_ROOT)) {
                    return false;
                }
                descending = true;
            }
        }
        return true;
    }
}
