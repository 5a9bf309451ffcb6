package dev.ferry.producer.repair;

import dev.ferry.producer.repair.RepairPlan.Fix;
import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.TreeComparison;
import dev.ferry.wire.ListedEntry;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A round of a repair that got listings: one comparison of the published tree (with its digests)
 * against the mirror as its listings describe it, from each listed directory whose parent is not
 * listed (the root, the first time), and the fixes it found, sent a slice at a time.
 */
final class ListingRound {

    private static final Logger log = LoggerFactory.getLogger(ListingRound.class);

    private final RepairPlan plan;
    private final List<Fix> fixes;
    private int next;

    private ListingRound(RepairPlan plan) {
        this.plan = plan;
        this.fixes = plan.fixes();
    }

    static ListingRound compare(PublishedView published, Map<String, List<ListedEntry>> listings) throws IOException {
        DigestedTree source = published.digested();
        DescribedMirror mirror = new DescribedMirror(listings, published);
        RepairPlan plan = new RepairPlan(published);
        for (String top : tops(listings.keySet())) {
            if (!published.holdsDirectory(top)) {
                continue; // Gone, or no directory, since the mirror was asked: its parent's next comparison sees to it.
            }
            try {
                TreeComparison.compare(source, mirror, top, plan);
            } catch (IOException e) {
                log.debug("not comparing {}: {}", top, e.toString());
            }
        }
        return new ListingRound(plan);
    }

    RepairPlan plan() {
        return plan;
    }

    /** Whether every fix was sent. */
    boolean done() {
        return next == fixes.size();
    }

    /**
     * Sends the next fixes until {@code deadline}, at least one.
     *
     * @return how many events they took
     */
    long send(RepairOutlet outlet, String mirror, Instant deadline, Clock clock)
            throws IOException, InterruptedException {
        long events = 0;
        do {
            if (done()) {
                break;
            }
            Fix fix = fixes.get(next++);
            RelPath path = RelPath.of(fix.path());
            events += switch (fix.action()) {
                case ENTRY -> outlet.sendEntry(mirror, path);
                case DELETE -> outlet.sendDelete(mirror, path);
                case CLEARING -> outlet.sendClearing(mirror, path);
                case ATTRIBUTES -> outlet.sendAttributes(mirror, path);
            };
        } while (clock.instant().isBefore(deadline));
        return events;
    }

    /** The listed directories whose parents are not listed: where the comparisons start. */
    private static List<String> tops(Set<String> listed) {
        return listed.stream().filter(directory -> directory.isEmpty()
                || !listed.contains(directory.contains("/") ? directory.substring(0, directory.lastIndexOf('/')) : ""))
                .sorted().toList();
    }
}
