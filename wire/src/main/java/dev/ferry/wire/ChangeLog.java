package dev.ferry.wire;

import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.PutAttributes;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one INFO line per change that a side published or applied, alike on both sides:
 * {@code applied put "docs/a b.txt" (12 bytes)}. Paths are {@linkplain Printable#quote quoted}, so a
 * name holding a newline or {@code " -> "} cannot forge a line; a JSON log gets them unquoted as the
 * key-value pairs {@code event}, {@code path} and, where they apply, {@code from}, {@code target},
 * {@code size}.
 */
public final class ChangeLog {

    private ChangeLog() {
    }

    /** Whether {@code event} is a change of its own, rather than a part of one (a chunk) or its retraction (an abort). */
    public static boolean isChange(ChangeEvent event) {
        return kind(event) != null;
    }

    /** Logs that {@code event}'s change is on the broker; nothing for a chunk or an abort. */
    public static void published(Logger log, ChangeEvent event) {
        record(log, "published", event);
    }

    /** Logs that {@code event}'s change is in the replica; nothing for a chunk or an abort. */
    public static void applied(Logger log, ChangeEvent event) {
        record(log, "applied", event);
    }

    /** The line for {@code event}, e.g. {@code published rename "a" -> "b"}; {@code null} for a chunk or an abort. */
    public static String line(String verb, ChangeEvent event) {
        String kind = kind(event);
        if (kind == null) {
            return null;
        }
        String path = Printable.quote(event.path().text());
        String what = path;
        if (event instanceof PutFile file) {
            what = path + " (" + file.size() + " bytes)";
        } else if (event instanceof ChangeEvent.PutDelta delta) {
            what = path + " (" + delta.size() + " bytes, by delta)";
        } else if (event instanceof PutSymlink link) {
            what = path + " -> " + Printable.quote(link.target());
        } else if (event instanceof Rename rename) {
            what = Printable.quote(rename.from().text()) + " -> " + path;
        } else if (event instanceof PutAttributes attributes) {
            what = path + " (mode " + String.format("%04o", attributes.mode()) + ")";
        }
        return verb + " " + kind + " " + what;
    }

    private static void record(Logger log, String verb, ChangeEvent event) {
        String kind = kind(event);
        if (kind == null || !log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder line = log.atInfo().addKeyValue("event", kind).addKeyValue("path", event.path().text());
        if (event instanceof ChangeEvent.FileVersion file) {
            line = line.addKeyValue("size", file.size());
        } else if (event instanceof PutSymlink link) {
            line = line.addKeyValue("target", link.target());
        } else if (event instanceof Rename rename) {
            line = line.addKeyValue("from", rename.from().text());
        }
        line.log(line(verb, event));
    }

    private static String kind(ChangeEvent event) {
        if (event instanceof ChangeEvent.FileVersion) {
            return "put";
        }
        if (event instanceof PutDirectory) {
            return "directory";
        }
        if (event instanceof PutSymlink) {
            return "symlink";
        }
        if (event instanceof Delete) {
            return "delete";
        }
        if (event instanceof Rename) {
            return "rename";
        }
        if (event instanceof PutAttributes) {
            return "attributes";
        }
        return null; // A chunk is part of its PutFile; an abort retracts chunks.
    }
}
