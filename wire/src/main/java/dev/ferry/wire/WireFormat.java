package dev.ferry.wire;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.util.regex.Pattern;

/**
 * The constants both sides agree on: version, JMS property names, queue naming and limits.
 *
 * <p><b>Mirrors.</b> A replication stream, named by its queue name ({@code --queue}, default
 * {@value #DEFAULT_QUEUE}), may feed several mirrors, each of which receives every change. The
 * producer publishes on the topic {@link #changeTopicOf} and the broker copies each message, in the
 * producer's transaction, to the queue of every mirror that exists at that moment
 * ({@link #mirrorQueueOf}): an ActiveMQ virtual topic. Each mirror's queue keeps what its consumer
 * has not applied yet, also while that consumer is down, and has its own dead-letter queue.
 */
public final class WireFormat {

    /**
     * The newest envelope version this build writes and reads. Version 2 is version 1 with the
     * event JSON in ASCII (see {@link WireText}): version 1 carried names outside the Basic
     * Multilingual Plane in a form the broker's string coder corrupts. Version 3 adds
     * {@link ChangeEvent.PutAttributes} and the repair messages ({@link RepairMessages}). Version 4
     * adds deltas ({@link ChangeEvent.DeltaChunk}, {@link ChangeEvent.PutDelta}) and compressed
     * bodies ({@link BodyEncoding}, {@link #ENCODING_PROPERTY} on an event message).
     *
     * <p>A message is written with the lowest version that carries it ({@link #EVENT_VERSION} for
     * every event version 2 knows, bundles included), so a consumer of version 2 goes on applying
     * what its producer publishes when the producer is upgraded first; what it cannot read (a
     * version 3 message) it dead-letters, naming the version and asking for an upgrade. So a
     * message whose body is compressed is of version 4 ({@link #ENCODED_VERSION}), one whose body
     * is not keeps version 2 or 3, and repair messages keep version 3 ({@link #REPAIR_VERSION}).
     */
    public static final int VERSION = 4;

    /**
     * The version of an encrypted message ({@link #SEALED_PROPERTY}): what it carries, a message of
     * its own version, is inside its body. A consumer older than encryption dead-letters it asking
     * for an upgrade.
     */
    public static final int SEALED_VERSION = 5;

    /**
     * String property of an encrypted message: the id of the key it is encrypted with
     * ({@link dev.ferry.wire.seal.EncryptionKey#id()}). Its body is the nonce and the ciphertext of
     * the message as composed; only {@link #VERSION_PROPERTY}, {@link #STREAM_PROPERTY} and
     * {@link #STREAM_SEQ_PROPERTY} stay outside.
     */
    public static final String SEALED_PROPERTY = "ferrySealed";

    /**
     * String property of a signed message: the id of the key that signed it
     * ({@link dev.ferry.wire.seal.SigningKey#id()}), so that a consumer trusting several knows which.
     */
    public static final String SIGNER_PROPERTY = "ferrySigner";

    /**
     * String property of a signed message: the Ed25519 signature, in base64, over the stream's
     * queue name, the properties a consumer acts on and the body ({@link dev.ferry.wire.seal.SignedContent}).
     */
    public static final String SIGNATURE_PROPERTY = "ferrySignature";

    /** The version of an event message whose body is compressed ({@link #ENCODING_PROPERTY}). */
    public static final int ENCODED_VERSION = 4;

    /**
     * The version repair messages are written with: 3, the first that has them, whose repair
     * messages are still those of today; a side of version 3 and one of a later version repair
     * each other. A side reads repair messages of this version up to {@link #VERSION}.
     */
    public static final int REPAIR_VERSION = 3;

    /** The version of a message carrying only events version 2 knows: all but {@link ChangeEvent.PutAttributes}. */
    public static final int EVENT_VERSION = 2;

    /**
     * The oldest envelope version this build still reads, so that what an older producer left on a
     * queue is applied after an upgrade (see {@link EventMessages#decode} for what it refuses).
     */
    public static final int OLDEST_VERSION = 1;

    /** Integer property: the envelope version. A message without it is not a Ferry message. */
    public static final String VERSION_PROPERTY = "ferryVersion";

    /**
     * String property of every message the producer publishes on the stream's topic
     * ({@link #changeTopicOf}): the stream's id, a UUID the producer made once and keeps in its
     * state directory (a producer that lost its state starts another stream). With
     * {@link #STREAM_SEQ_PROPERTY} it lets a mirror see that it missed a message. Messages a repair
     * sends to one mirror's queue carry neither.
     */
    public static final String STREAM_PROPERTY = "ferryStream";

    /**
     * Long property beside {@link #STREAM_PROPERTY}: the message's number in its stream, 1 for the
     * first, then each message one more than the one committed before it (a bundle is one message).
     * The producer commits the last number with its index, so the numbers of a transaction the
     * broker rolled back are given again to the messages sent instead: on a mirror's queue, numbers
     * follow one another without a hole. A hole means messages were lost on the way (a mirror's
     * queue dropped, purged or expired); a number seen again is a redelivery, or follows a commit
     * whose outcome the producer never learned (its paths are published again too, see the
     * producer's index).
     */
    public static final String STREAM_SEQ_PROPERTY = "ferryStreamSeq";

    /**
     * String property of a repair message ({@link RepairMessages}): its kind, e.g.
     * {@code RepairDone}. A message with it is never a change event.
     */
    public static final String CONTROL_PROPERTY = "ferryControl";

    /**
     * String property of a message whose body is compressed, naming how: {@code gzip} for a repair
     * message ({@link RepairMessages}), {@code zstd} for an event message of version 4
     * ({@link BodyEncoding}). Without it the body is as it is.
     */
    public static final String ENCODING_PROPERTY = "ferryEncoding";

    /**
     * String property of a repair message a consumer sends: the queue it asks to be answered on, as
     * its {@code JMSReplyTo} names it. The header travels outside an encrypted message; this copy
     * travels inside, so a producer on an encrypted stream can tell a request whose answers the
     * broker redirected ({@link RepairMessages#checkReplyQueue}).
     */
    public static final String REPLY_TO_PROPERTY = "ferryReplyTo";

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

    /**
     * String property set on dead-lettered messages: the {@code JMSXGroupID} the message had, which a
     * retry gives it back (on an encrypted stream, only a side with the key could work it out again).
     */
    public static final String DEAD_LETTER_GROUP_PROPERTY = "ferryDeadLetterGroup";

    /**
     * What the encrypted reason of the dead-lettered message {@code originalMessageId} is sealed for
     * ({@link dev.ferry.wire.seal.Seal#protect}): so it opens as that message's reason only.
     */
    public static String deadLetterReasonPurpose(String originalMessageId) {
        return "dead-letter reason of " + originalMessageId;
    }

    /** The queue both sides use unless told otherwise. */
    public static final String DEFAULT_QUEUE = "ferry.changes";

    /**
     * The mirror a consumer is unless told otherwise ({@code --mirror}), and the one mirror the
     * producer keeps a queue for unless told otherwise: so the set-up of before mirrors, one producer
     * and one consumer, works with the same commands.
     */
    public static final String DEFAULT_MIRROR = "default";

    /** The longest mirror name: a queue name holds it twice with its dead-letter queue, and a user group once. */
    public static final int MAX_MIRROR_NAME = 64;

    /**
     * What a mirror name may hold: ASCII letters, digits, '-' and '_'. No '.', which separates the
     * parts of a destination name, and no '*' or '&gt;', ActiveMQ's wildcards.
     */
    private static final Pattern MIRROR_NAME = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_MIRROR_NAME + "}");

    /** The prefix ActiveMQ gives the topics it copies to consumer queues ({@code VirtualTopic.>}). */
    private static final String VIRTUAL_TOPIC_PREFIX = "VirtualTopic.";

    /** The prefix ActiveMQ matches a virtual topic's consumer queues by ({@code Consumer.*.}). */
    private static final String MIRROR_QUEUE_PREFIX = "Consumer.";

    /** What the name of every control queue starts with; see {@link #controlQueueOf}. */
    public static final String CONTROL_QUEUE_PREFIX = "ferry.control.";

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

    /**
     * The topic the producer of the stream {@code queue} publishes on: {@code VirtualTopic.<queue>}.
     * The broker's default virtual topic set-up (in the embedded broker and the distribution alike)
     * copies what is sent there to every queue named {@code Consumer.<mirror>.VirtualTopic.<queue>}
     * that exists when the message is sent, and nowhere if none does.
     */
    public static String changeTopicOf(String queue) {
        return VIRTUAL_TOPIC_PREFIX + queue;
    }

    /**
     * The queue the consumer of {@code mirror} reads, {@code Consumer.<mirror>.VirtualTopic.<queue>}:
     * it receives everything published on {@link #changeTopicOf} from the moment it exists.
     *
     * @throws IllegalArgumentException when {@code mirror} is not a mirror name ({@link #checkMirrorName})
     */
    public static String mirrorQueueOf(String mirror, String queue) {
        return MIRROR_QUEUE_PREFIX + checkMirrorName(mirror) + "." + changeTopicOf(queue);
    }

    /**
     * The queues of every mirror of {@code queue}, as an ActiveMQ wildcard
     * ({@code Consumer.*.VirtualTopic.<queue>}): for statistics queries and access rules.
     */
    public static String mirrorQueuesOf(String queue) {
        return MIRROR_QUEUE_PREFIX + "*." + changeTopicOf(queue);
    }

    /**
     * The mirror whose queue {@code destination} is, for the stream {@code queue}; {@code null} when it
     * is no mirror queue of that stream.
     */
    public static String mirrorOf(String destination, String queue) {
        String suffix = "." + changeTopicOf(queue);
        if (!destination.startsWith(MIRROR_QUEUE_PREFIX) || !destination.endsWith(suffix)) {
            return null;
        }
        String mirror = destination.substring(MIRROR_QUEUE_PREFIX.length(), destination.length() - suffix.length());
        return isMirrorName(mirror) ? mirror : null;
    }

    /** Whether {@code name} may name a mirror: 1 to 64 ASCII letters, digits, '-' and '_'. */
    public static boolean isMirrorName(String name) {
        return name != null && MIRROR_NAME.matcher(name).matches();
    }

    /**
     * {@code name}, if it may name a mirror.
     *
     * @throws IllegalArgumentException naming the value and what a mirror name may hold
     */
    public static String checkMirrorName(String name) {
        if (!isMirrorName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a mirror name: use 1 to " + MAX_MIRROR_NAME
                    + " letters (A-Z, a-z), digits, '-' and '_'");
        }
        return name;
    }

    /**
     * The queue where the consumers of the stream {@code queue} ask its producer for repairs,
     * {@code ferry.control.<queue>}: a durable queue, so a request made while the producer is down
     * waits for it. Answers go to the asking mirror's own queue ({@link #mirrorQueueOf}).
     */
    public static String controlQueueOf(String queue) {
        return CONTROL_QUEUE_PREFIX + queue;
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
        return groupOfTopLevel(event.groupPath().topLevel());
    }

    /** The {@code JMSXGroupID} of the events under the top-level entry {@code topLevel}, in clear. */
    public static String groupOfTopLevel(String topLevel) {
        return "ferry-" + Math.floorMod(topLevel.hashCode(), GROUPS);
    }

    /**
     * Refuses {@code message} if it is encrypted ({@link #SEALED_PROPERTY}): what reads it here
     * needs it opened first, with the key, by {@link dev.ferry.wire.seal.Seal#open}.
     */
    public static void refuseSealed(Message message) throws WireFormatException, JMSException {
        if (message.propertyExists(SEALED_PROPERTY)) {
            throw new WireFormatException(sealedWithoutKey(message));
        }
    }

    /** Why a side without an encryption key cannot read the encrypted {@code message}. */
    public static String sealedWithoutKey(Message message) throws JMSException {
        return "encrypted with key " + WireText.escape(String.valueOf(message.getObjectProperty(SEALED_PROPERTY)))
                + ", and this side has no encryption key: give it the stream's key with --encrypt-key";
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
