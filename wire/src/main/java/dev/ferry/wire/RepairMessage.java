package dev.ferry.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a mirror and the producer of its stream say to each other to make the mirror exact by
 * comparing what the two sides hold (a repair): four immutable messages, each naming the repair it
 * belongs to by its {@link #id()}. {@link RepairMessages} maps them to JMS.
 *
 * <h2>The conversation</h2>
 * <ol>
 *   <li>The consumer of mirror M sends a {@link RepairRequest}, the digest of every directory it
 *       holds, to the stream's control queue ({@link WireFormat#controlQueueOf}), with
 *       {@code JMSReplyTo} M's queue ({@link WireFormat#mirrorQueueOf}).</li>
 *   <li>The producer answers on M's queue only: {@link RepairDone} with {@code sent} 0 when the
 *       roots' digests are equal; else a {@link RepairDescribe} naming the directories whose
 *       listings it needs: those both sides hold whose digests are not equal.</li>
 *   <li>The consumer, when it reaches the describe in its queue (after whatever came before it),
 *       sends a {@link RepairEntries} with those listings to the control queue, {@code JMSReplyTo}
 *       M's queue again.</li>
 *   <li>The producer compares the listings with what it published and sends to M's queue the
 *       events that make M equal to the source, then {@link RepairDone} with how many it sent; or,
 *       when it came upon directories whose digests differ and whose listings it was not given,
 *       another {@link RepairDescribe} naming them, and the conversation goes on at step 3.</li>
 * </ol>
 *
 * <p>Paths are relative to the tree's root, segments joined by '/', {@code ""} for the root
 * itself; every other path is a valid {@link RelPath}.
 */
public sealed interface RepairMessage {

    /** The most directories a request or a describe names, or the listings of a {@link RepairEntries}. */
    int MAX_DIRECTORIES = 250_000;

    /**
     * The most entries all the listings of one {@link RepairEntries} hold together. A mirror with
     * more to describe sends the listings nearest the root first, as many as fit: the producer
     * asks again for the others ({@link RepairDescribe}).
     */
    int MAX_ENTRIES = 250_000;

    /** The id of the repair this message belongs to: 1 to 64 ASCII letters, digits, '-' and '_' (a UUID is one). */
    String id();

    /**
     * A mirror asks to be repaired.
     *
     * @param mirror  the asking mirror's name ({@link WireFormat#isMirrorName}); the request's
     *                {@code JMSReplyTo} must be its queue
     * @param digests the {@link DirectoryDigest} of every directory of the mirror by path, the root
     *                ({@code ""}) included, or null for a directory that has none; a directory
     *                not named is one the mirror does not hold
     */
    record RepairRequest(String id, String mirror, Map<String, DirectoryDigest> digests) implements RepairMessage {
        public RepairRequest {
            requireId(id);
            WireFormat.checkMirrorName(mirror);
            require(digests != null && digests.containsKey(""), "a repair request holds no digest of the root");
            require(digests.size() <= MAX_DIRECTORIES, "a repair request of " + digests.size()
                    + " directories (at most " + MAX_DIRECTORIES + ")");
            digests.keySet().forEach(RepairMessage::requireDirectory);
            digests = Collections.unmodifiableMap(new TreeMap<>(digests));
        }
    }

    /**
     * The producer asks for the listings of {@code directories}, in path order, parents first.
     */
    record RepairDescribe(String id, List<String> directories) implements RepairMessage {
        public RepairDescribe {
            requireId(id);
            require(directories != null && !directories.isEmpty(), "a repair describe names no directory");
            require(directories.size() <= MAX_DIRECTORIES, "a repair describe of " + directories.size()
                    + " directories (at most " + MAX_DIRECTORIES + ")");
            Set<String> seen = new HashSet<>();
            for (String directory : directories) {
                requireDirectory(directory);
                require(seen.add(directory), "a repair describe names " + shown(directory) + " twice");
            }
            directories = List.copyOf(directories);
        }
    }

    /**
     * A mirror's listings of the directories a {@link RepairDescribe} named: each directory's
     * entries, without the consumer's {@code .ferry} at the root. A directory the mirror does not
     * hold (any more) is left out.
     */
    record RepairEntries(String id, Map<String, List<ListedEntry>> listings) implements RepairMessage {
        public RepairEntries {
            requireId(id);
            require(listings != null, "a repair listing holds no directories");
            require(listings.size() <= MAX_DIRECTORIES, "a repair listing of " + listings.size()
                    + " directories (at most " + MAX_DIRECTORIES + ")");
            Map<String, List<ListedEntry>> copy = new LinkedHashMap<>();
            long entries = 0;
            for (Map.Entry<String, List<ListedEntry>> listing : listings.entrySet()) {
                entries += listing.getValue().size();
                require(entries <= MAX_ENTRIES, "a repair listing of more than " + MAX_ENTRIES + " entries");
                copy.put(listing.getKey(), checkedListing(listing.getKey(), listing.getValue()));
            }
            listings = Collections.unmodifiableMap(copy);
        }

        private static List<ListedEntry> checkedListing(String directory, List<ListedEntry> entries) {
            requireDirectory(directory);
            Set<String> names = new HashSet<>();
            List<ListedEntry> checked = new ArrayList<>(entries.size());
            for (ListedEntry entry : entries) {
                require(entry != null, "the listing of " + shown(directory) + " holds a null entry");
                String path = directory.isEmpty() ? entry.name() : directory + "/" + entry.name();
                RelPath.of(path); // The whole path must be one Ferry carries: not too long, not .ferry at the root.
                require(names.add(entry.name()), "the listing of " + shown(directory) + " names "
                        + Printable.quote(entry.name()) + " twice");
                checked.add(entry);
            }
            return List.copyOf(checked);
        }
    }

    /**
     * The producer is done with the repair: everything it sent for it is before this message in
     * the mirror's queue.
     *
     * @param sent how many events this producer sent for the repair (0: the mirror was equal)
     */
    record RepairDone(String id, long sent) implements RepairMessage {
        public RepairDone {
            requireId(id);
            require(sent >= 0, "a repair done says it sent " + sent + " events");
        }
    }

    /** Whether {@code id} may name a repair; see {@link #id()}. */
    static boolean isRepairId(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static void requireId(String id) {
        require(isRepairId(id), "not a repair id (1 to 64 letters, digits, '-' and '_'): "
                + (id == null ? null : Printable.quote(id.length() > 80 ? id.substring(0, 80) + "..." : id)));
    }

    private static void requireDirectory(String path) {
        require(path != null, "a directory path is missing");
        if (!path.isEmpty()) {
            RelPath.of(path);
        }
    }

    private static String shown(String directory) {
        return directory.isEmpty() ? "the root" : Printable.quote(directory);
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }
}
