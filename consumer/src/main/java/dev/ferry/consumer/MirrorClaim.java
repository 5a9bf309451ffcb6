package dev.ferry.consumer;

import dev.ferry.journal.AtomicFile;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which mirror of which stream a destination is, in {@code DST/.ferry/mirror}: written when a
 * consumer first applies to it, and checked by every consumer after, so that no destination is ever
 * applied to from two mirrors or two streams, which would leave it a mix of both that nothing
 * reports.
 *
 * <p>A destination of Ferry before mirrors (it has a ledger but no claim) was the one mirror of its
 * queue, which is now mirror {@link WireFormat#DEFAULT_MIRROR}: it is adopted as that, and only
 * that. The file is small, versioned and replaced whole by a rename, so a crash leaves the old claim
 * or the new one.
 */
public final class MirrorClaim {

    private static final Logger log = LoggerFactory.getLogger(MirrorClaim.class);

    /** The file's name under {@code DST/.ferry/}. */
    static final String FILE = "mirror";
    /** The version of the file's format this build writes and reads. */
    static final int VERSION = 1;
    /** What the ledger's presence tells: the destination was applied to before. */
    static final String LEDGER = "ledger.journal";

    /** How the destination came to be the mirror's at this start. */
    public enum Origin {
        /** It had no Ferry bookkeeping: it is claimed now and holds nothing a consumer applied. */
        NEW,
        /** It was replicated by Ferry before mirrors: adopted now as mirror {@link WireFormat#DEFAULT_MIRROR}. */
        ADOPTED,
        /** It was claimed by this mirror before. */
        KNOWN
    }

    private final String mirror;
    private final String queue;
    private final Origin origin;

    private MirrorClaim(String mirror, String queue, Origin origin) {
        this.mirror = mirror;
        this.queue = queue;
        this.origin = origin;
    }

    /**
     * Claims the destination {@code root}, whose bookkeeping is in {@code bookkeeping}, for
     * {@code mirror} of {@code queue}, or finds it claimed for them already. Call it with the
     * destination's lock held.
     *
     * @throws IOException when the destination belongs to another mirror or stream (one line naming
     *                     both, the file, and the fix), or its claim cannot be read or written
     */
    static MirrorClaim stake(Path root, Path bookkeeping, String mirror, String queue) throws IOException {
        Path file = bookkeeping.resolve(FILE);
        if (Files.exists(file)) {
            Map<String, String> claimed = read(file);
            if (!claimed.get("mirror").equals(mirror) || !claimed.get("queue").equals(queue)) {
                throw new IOException(belongsElsewhere(root, claimed.get("mirror"), claimed.get("queue"), mirror, queue,
                        "(" + file + ")"));
            }
            return new MirrorClaim(mirror, queue, Origin.KNOWN);
        }
        if (Files.exists(bookkeeping.resolve(LEDGER))) {
            if (!WireFormat.DEFAULT_MIRROR.equals(mirror)) {
                throw new IOException(belongsElsewhere(root, WireFormat.DEFAULT_MIRROR, queue, mirror, queue,
                        "(replicated before mirrors: it has " + bookkeeping.resolve(LEDGER) + " but no " + FILE + ")"));
            }
            write(file, mirror, queue);
            log.info("{} was replicated before mirrors existed: it is mirror '{}' of queue {} from now on ({} written)",
                    root, mirror, queue, file);
            return new MirrorClaim(mirror, queue, Origin.ADOPTED);
        }
        write(file, mirror, queue);
        return new MirrorClaim(mirror, queue, Origin.NEW);
    }

    public String mirror() {
        return mirror;
    }

    public String queue() {
        return queue;
    }

    /** Whether the destination was new, adopted or known at this start: what a late join or a repair goes by. */
    public Origin origin() {
        return origin;
    }

    /** "/mnt/m belongs to mirror 'office' of queue ferry.changes (...); use --mirror office, or another --dest". */
    private static String belongsElsewhere(Path root, String claimedMirror, String claimedQueue, String mirror,
                                           String queue, String evidence) {
        StringBuilder fix = new StringBuilder("use");
        if (!claimedQueue.equals(queue)) {
            fix.append(" --queue ").append(claimedQueue);
        }
        if (!claimedMirror.equals(mirror)) {
            fix.append(" --mirror ").append(claimedMirror);
        }
        return root + " belongs to mirror '" + claimedMirror + "' of queue " + claimedQueue + " " + evidence + "; "
                + fix + ", or another --dest";
    }

    private static Map<String, String> read(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0 || values.putIfAbsent(line.substring(0, equals), line.substring(equals + 1)) != null) {
                throw unreadable(file, "line " + (i + 1) + " is not a new key=value");
            }
        }
        String version = values.remove("version");
        if (version == null) {
            throw unreadable(file, "it says no version");
        }
        if (!version.equals(Integer.toString(VERSION))) {
            throw unreadable(file, "it is of version " + version + " and this Ferry reads version " + VERSION
                    + " (a newer Ferry wrote it? upgrade this one)");
        }
        if (!values.keySet().equals(Set.of("mirror", "queue"))) {
            throw unreadable(file, "it holds " + values.keySet() + " where version " + VERSION
                    + " holds [mirror, queue]");
        }
        return values;
    }

    private static IOException unreadable(Path file, String why) {
        return new IOException("cannot tell which mirror " + file.getParent().getParent() + " is: " + file + ": "
                + why);
    }

    /** Writes the claim whole under a temporary name, then renames it in place, both made durable. */
    private static void write(Path file, String mirror, String queue) throws IOException {
        if (queue.contains("\n") || queue.contains("\r")) {
            throw new IOException("cannot record the queue of " + file.getParent().getParent() + " in " + file
                    + ": its name holds a line break");
        }
        String text = "# Which mirror of which Ferry stream this directory is. A consumer of another refuses it.\n"
                + "version=" + VERSION + "\nmirror=" + mirror + "\nqueue=" + queue + "\n";
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
