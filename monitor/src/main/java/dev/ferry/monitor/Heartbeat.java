package dev.ferry.monitor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What a producer or consumer says about itself every few seconds, and when something changed,
 * on its queue's status topic: a JSON text message that {@code ferry status} reads. Times are
 * Unix milliseconds of the sender's clock.
 *
 * @param version   the format's version ({@link #VERSION}); readers ignore fields they do not know
 * @param role      {@code producer} or {@code consumer}
 * @param id        {@code host:pid} ({@link ProcessIdentity})
 * @param queue     the stream it publishes or applies, named by its queue name
 * @param mirror    the mirror a consumer applies; {@code null} for a producer, which publishes to all,
 *                  and from a consumer older than mirrors
 * @param directory the source it publishes, or the replica it applies to
 * @param state     {@code running}, or {@code stopped} in the last beat of a process that stops
 * @param startedAt when the process started
 * @param sentAt    when this beat was sent
 * @param last      the change published or applied last, or {@code null} before the first
 * @param lagMillis a consumer's lag ({@link ConsumerTally}), {@code null} for a producer
 * @param counters  what it did since it started
 * @param mirrorsNeedingRepair the mirrors a producer dropped (their backlog passed the limit while
 *                  nobody consumed them) whose repair it has not answered yet, by name; {@code null}
 *                  when there are none, for a consumer, and from a producer older than this field
 * @param broker    the name of the broker the beat was published to, as that broker gave it to the
 *                  sender's connection; {@code null} when it did not say, and from a process older
 *                  than this field. A beat that crossed a forwarding link to another site names the
 *                  broker of the site it came from: {@code ferry status} tells by it where a
 *                  mirror is consumed.
 * @param unwatchedDirectories how many directories of a producer's source its watcher cannot watch
 *                  (the inotify watch limit reached, say), which it rescans instead; {@code null}
 *                  when there are none, for a consumer, and from a producer older than this field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Heartbeat(int version, String role, String id, String queue, String mirror, String directory, String state,
                        long startedAt, long sentAt, Change last, Long lagMillis, Counters counters,
                        Map<String, Dropped> mirrorsNeedingRepair, String broker, Integer unwatchedDirectories) {

    public static final int VERSION = 1;
    public static final String PRODUCER = "producer";
    public static final String CONSUMER = "consumer";
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    public Heartbeat {
        unwatchedDirectories = unwatchedDirectories == null || unwatchedDirectories == 0 ? null : unwatchedDirectories;
        mirrorsNeedingRepair = mirrorsNeedingRepair == null || mirrorsNeedingRepair.isEmpty() ? null
                : Collections.unmodifiableSortedMap(new TreeMap<>(mirrorsNeedingRepair));
    }

    /** A beat that does not say which broker it was published to; the sender adds that ({@link #withBroker}). */
    public Heartbeat(int version, String role, String id, String queue, String mirror, String directory, String state,
                     long startedAt, long sentAt, Change last, Long lagMillis, Counters counters,
                     Map<String, Dropped> mirrorsNeedingRepair) {
        this(version, role, id, queue, mirror, directory, state, startedAt, sentAt, last, lagMillis, counters,
                mirrorsNeedingRepair, null, null);
    }

    /** A beat that announces no dropped mirror and names no broker. */
    public Heartbeat(int version, String role, String id, String queue, String mirror, String directory, String state,
                     long startedAt, long sentAt, Change last, Long lagMillis, Counters counters) {
        this(version, role, id, queue, mirror, directory, state, startedAt, sentAt, last, lagMillis, counters, null);
    }

    /** The same beat, published to the broker named {@code name} ({@code null}: not known). */
    public Heartbeat withBroker(String name) {
        return new Heartbeat(version, role, id, queue, mirror, directory, state, startedAt, sentAt, last, lagMillis,
                counters, mirrorsNeedingRepair, name, unwatchedDirectories);
    }

    /**
     * This beat with the path of its last change as {@code how} makes it: encrypted before it is sent
     * on an encrypted stream, decrypted (or shown as encrypted) when read.
     */
    public Heartbeat withLastPath(UnaryOperator<String> how) {
        Change changed = last == null ? null : new Change(last.kind(), how.apply(last.path()), last.seq(),
                last.createdAt(), last.doneAt());
        return new Heartbeat(version, role, id, queue, mirror, directory, state, startedAt, sentAt, changed, lagMillis,
                counters, mirrorsNeedingRepair, broker, unwatchedDirectories);
    }

    /** The same beat, from a producer that cannot watch {@code count} directories of its source. */
    public Heartbeat withUnwatchedDirectories(int count) {
        return new Heartbeat(version, role, id, queue, mirror, directory, state, startedAt, sentAt, last, lagMillis,
                counters, mirrorsNeedingRepair, broker, count);
    }

    /**
     * A mirror a producer dropped; see {@code dev.ferry.producer.MirrorMark}.
     *
     * @param droppedAt    when its queue was removed, Unix milliseconds of the producer's clock
     * @param backlogBytes about how many bytes waited on it then
     * @param limitBytes   the backlog limit it passed
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dropped(long droppedAt, long backlogBytes, long limitBytes) {

        /** When the mirror was dropped. */
        public Instant dropped() {
            return Instant.ofEpochMilli(droppedAt);
        }
    }

    /** The change published or applied last; see {@link LastEvent}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Change(String kind, String path, long seq, long createdAt, long doneAt) {

        static Change of(LastEvent event) {
            return event == null ? null : new Change(event.kind(), event.path(), event.seq(),
                    event.createdAt().toEpochMilli(), event.doneAt().toEpochMilli());
        }

        public LastEvent toLastEvent() {
            return new LastEvent(kind, path, seq, Instant.ofEpochMilli(createdAt), Instant.ofEpochMilli(doneAt));
        }
    }

    /**
     * What a process did since it started.
     *
     * @param events       changes published or applied
     * @param files        file bodies published or applied
     * @param bytes        their bytes
     * @param deadLettered messages a consumer moved to the dead-letter queue
     * @param namesNotMirrored entries a producer cannot publish since their names are not valid in
     *                     the file name encoding; {@code null} for a consumer, and from a producer
     *                     older than this field
     * @param wireBytes    what the bodies took through the broker: message body bytes, compressed
     *                     where they were, sent by a producer or received by a consumer; {@code null}
     *                     from a process older than this field
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Counters(long events, long files, long bytes, long deadLettered, Long namesNotMirrored,
                           Long wireBytes) {

        /** A consumer's counters, from a consumer that did not count its wire bytes. */
        public Counters(long events, long files, long bytes, long deadLettered) {
            this(events, files, bytes, deadLettered, null, null);
        }

        /** A producer's counters, from a producer that did not count its wire bytes. */
        public Counters(long events, long files, long bytes, long deadLettered, Long namesNotMirrored) {
            this(events, files, bytes, deadLettered, namesNotMirrored, null);
        }
    }

    /** When it was sent. */
    public Instant sent() {
        return Instant.ofEpochMilli(sentAt);
    }

    /** The consumer's lag, or {@code null}. */
    public Duration lag() {
        return lagMillis == null ? null : Duration.ofMillis(lagMillis);
    }
}
