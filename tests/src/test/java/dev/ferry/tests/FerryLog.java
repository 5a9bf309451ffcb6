package dev.ferry.tests;

import dev.ferry.wire.Printable;
import java.util.regex.Pattern;

/**
 * The lines ferry commands log (on stderr, at INFO) that tests count on, as regular expressions
 * for {@link FerryProcess#logLinesMatching} and {@link FerryProcess#waitForLog}. Paths are relative
 * to the tree, as the events carry them, and quoted in the line (see {@code dev.ferry.wire.ChangeLog}).
 */
final class FerryLog {

    /** Any file body the producer has published (its transaction committed). */
    static final String ANY_PUBLISHED_PUT = "- published put ";
    /** Any file body the consumer has moved into place. */
    static final String ANY_APPLIED_PUT = "- applied put ";
    /** Any change at all the consumer has made to the replica. */
    static final String ANY_APPLIED = "- applied ";
    /** A consumer connected to its broker and about to apply what comes. */
    static final String CONSUMER_STARTED = "- consumer applying ";
    /** A producer connected to its broker, watching its source (and comparing it with its index). */
    static final String PRODUCER_WATCHING = "- watching ";
    /** A watching producer past its first comparison, reading each file the moment its writer closes it (issue 21). */
    static final String WATCHING_CLOSES = "- watching .* for files closed after writing: each is read at once";
    /** A producer or consumer noticing that its broker went away. */
    static final String LOST_BROKER = "- lost the broker ";
    /** A producer or consumer connected again after losing its broker. */
    static final String RECONNECTED = "- reconnected to ";
    /** A consumer that saw a hole in its stream's message numbers: messages it never got. */
    static final String MISSED_MESSAGES = "- mirror '\\S+' missed messages of its stream";
    /** A consumer giving up on a message, to its mirror's dead-letter queue. */
    static final String DEAD_LETTERED = "- dead-lettered message ";
    /** Anything a producer sent to a mirror for a repair: something the mirror lacked. */
    static final String ANY_SENT_FOR_REPAIR = "- sent \\w+ .* for the repair of mirror ";

    private FerryLog() {
    }

    /** Any change of {@code path} but a rename to it: its body, its directory or its symbolic link. */
    static String published(String path) {
        return "- published \\w+ " + quoted(path) + "( |$)";
    }

    static String publishedPut(String path) {
        return "- published put " + quoted(path) + " \\(\\d+ bytes\\)$";
    }

    static String publishedDelete(String path) {
        return "- published delete " + quoted(path) + "$";
    }

    static String publishedDirectory(String path) {
        return "- published directory " + quoted(path) + "$";
    }

    static String publishedRename(String from, String to) {
        return "- published rename " + quoted(from) + " -> " + quoted(to) + "$";
    }

    /** A file's new version published as a delta against the one the mirrors hold. */
    static String publishedDelta(String path) {
        return "- published put " + quoted(path) + " \\(\\d+ bytes, by delta\\)$";
    }

    /** A file's new version made from its delta and moved into place (or found in place already). */
    static String appliedDelta(String path) {
        return "- applied put " + quoted(path) + " \\(\\d+ bytes, by delta\\)$";
    }

    static String appliedPut(String path) {
        return "- applied put " + quoted(path) + " \\(\\d+ bytes\\)$";
    }

    /**
     * A connection of a producer or consumer on a failover URL made to the broker at {@code url} (as
     * the URL lists it): after a takeover, the broker that took over.
     */
    static String connectedTo(String url) {
        return "- connected to " + Pattern.quote(url) + " \\(broker ";
    }

    /** {@code path} as the log line shows it (quoted, escaped), as a regular expression. */
    private static String quoted(String path) {
        return Pattern.quote(Printable.quote(path));
    }
}
