package dev.ferry.producer.repair;

import dev.ferry.verify.Difference;
import dev.ferry.verify.TreeComparison;
import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeView;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a comparison of the published tree with a mirror found, as the fixes that make the mirror
 * equal, in the order to send them: one per path, whatever number of differences it has there.
 *
 * <ul>
 *   <li>extra on the mirror: a delete;</li>
 *   <li>missing on the mirror: the entry, and for a directory everything published below it,
 *       children before their parents (writing a child changes its directory's time);</li>
 *   <li>of another type: a delete, then the entry as for a missing one;</li>
 *   <li>another size, content or symlink target: the entry again;</li>
 *   <li>another mode or modification time only: the attributes, no body.</li>
 * </ul>
 *
 * <p>A path whose publication is unsettled, or that could not be read on either side, is left
 * alone: the producer's survey publishes it. Directories the mirror did not list although their
 * digests differ are gathered, to be asked for next.
 */
final class RepairPlan implements TreeComparison.Listener {

    /** What to send for one path. */
    enum Action { ENTRY, DELETE, CLEARING, ATTRIBUTES }

    /** One fix: an action at a path. */
    record Fix(String path, Action action) {
    }

    private static final Logger log = LoggerFactory.getLogger(RepairPlan.class);
    private static final Set<Difference.Kind> CONTENT = EnumSet.of(Difference.Kind.SIZE, Difference.Kind.CONTENT,
            Difference.Kind.TARGET);

    private final PublishedView published;
    private final Map<String, Set<Difference.Kind>> differences = new LinkedHashMap<>();
    private final SortedSet<String> unlisted = new TreeSet<>();

    RepairPlan(PublishedView published) {
        this.published = published;
    }

    @Override
    public void difference(Difference difference) {
        differences.computeIfAbsent(difference.path(), path -> EnumSet.noneOf(Difference.Kind.class))
                .add(difference.kind());
    }

    @Override
    public void unlisted(String directory, String side) {
        unlisted.add(directory);
    }

    /** How many paths differ. */
    int paths() {
        return differences.size();
    }

    /** The directories whose digests differ and whose listings the mirror did not give, parents first. */
    SortedSet<String> unlisted() {
        return Collections.unmodifiableSortedSet(unlisted);
    }

    /** The fixes, in the order to send them. */
    List<Fix> fixes() {
        List<Fix> fixes = new ArrayList<>();
        differences.forEach((path, kinds) -> {
            if (kinds.contains(Difference.Kind.UNREADABLE) || published.isUnsettled(path)) {
                log.debug("leaving {} to the producer's survey: {}", path, kinds);
            } else if (kinds.contains(Difference.Kind.EXTRA)) {
                fixes.add(new Fix(path, Action.DELETE));
            } else if (kinds.contains(Difference.Kind.MISSING)) {
                addWhole(path, fixes);
            } else if (kinds.contains(Difference.Kind.TYPE)) {
                fixes.add(new Fix(path, Action.CLEARING));
                addWhole(path, fixes);
            } else if (!Collections.disjoint(kinds, CONTENT)) {
                fixes.add(new Fix(path, Action.ENTRY));
            } else {
                fixes.add(new Fix(path, Action.ATTRIBUTES));
            }
        });
        return fixes;
    }

    /** The entry at {@code path} and, for a directory, every settled entry published below it, children first. */
    private void addWhole(String path, List<Fix> fixes) {
        List<String> parentsFirst = new ArrayList<>();
        Deque<String> unvisited = new ArrayDeque<>();
        unvisited.push(path);
        while (!unvisited.isEmpty()) {
            String next = unvisited.pop();
            parentsFirst.add(next);
            if (published.holdsDirectory(next)) {
                for (Map.Entry<String, TreeEntry> child : listing(next).entries().entrySet()) {
                    if (child.getValue().type() != TreeEntry.Type.SPECIAL) {
                        unvisited.push(next + "/" + child.getKey());
                    }
                }
            }
        }
        Collections.reverse(parentsFirst);
        parentsFirst.forEach(entry -> fixes.add(new Fix(entry, Action.ENTRY)));
    }

    private TreeView.Listing listing(String directory) {
        try {
            return published.list(directory);
        } catch (IOException e) {
            // Gone meanwhile: nothing below it to send.
            return new TreeView.Listing(Collections.emptySortedMap(), List.of());
        }
    }
}
