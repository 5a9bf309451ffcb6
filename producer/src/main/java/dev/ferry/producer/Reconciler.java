package dev.ferry.producer;

import dev.ferry.producer.FileBodySender.Outcome;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one comparison of the tree with the index, used by the initial scan, {@code --once} and
 * the watcher alike: surveys some scopes, publishes every difference, and updates the index.
 *
 * <p>The order of what it publishes matters to the replica:
 * <ol>
 * <li>renames first, parents before children, so a rename can claim its source before anything
 *     counts as deleted, and a renamed directory is in place before anything moves inside it;
 *     an entry whose type changed is deleted in the same step, before its replacement arrives;
 * <li>then new and changed entries, children before parents, because writing children changes
 *     a directory's modification time;
 * <li>then deletions, each covering a whole subtree.
 * </ol>
 * A rename is published only while the index still holds the source as it was, and whatever
 * moved is compared again afterwards, so the replica ends up right even when renames chain
 * ({@code mv b c; mv a b}) or swap: at worst a body is sent instead of renamed.
 */
final class Reconciler {

    private final SourceTree tree;
    private final SourceIndex index;
    private final SourceIgnores ignores;
    private final TreeSurvey survey;
    private final Publisher publisher;
    private final FileBodySender bodies;
    private final SequenceNumbers sequence;
    private final RetrySchedule retries;
    private final StopCheck stop;
    private final ProducerObserver observer;

    Reconciler(SourceTree tree, SourceIndex index, SourceIgnores ignores, Publisher publisher, FileBodySender bodies,
               SequenceNumbers sequence, RetrySchedule retries, StopCheck stop, ProducerObserver observer) {
        this.tree = tree;
        this.index = index;
        this.ignores = ignores;
        this.survey = new TreeSurvey(tree, index, ignores, stop);
        this.publisher = publisher;
        this.bodies = bodies;
        this.sequence = sequence;
        this.retries = retries;
        this.stop = stop;
        this.observer = observer;
    }

    /**
     * Publishes how {@code scopes} differ from the index, and commits.
     *
     * @return the scopes to reconcile next: renamed directories, and entries that changed while
     *         they were compared
     */
    List<Scope> reconcile(Collection<Scope> scopes) throws IOException, InterruptedException {
        TreeSurvey.Differences differences = survey.survey(scopes);
        Workload workload = Workload.of(differences, index);
        if (workload.files() > 0) {
            observer.differencesFound(workload.files(), workload.bytes());
        }
        List<Scope> next = new ArrayList<>(differences.recheck());
        publishMoves(differences.changed(), next);
        try {
            publishContent(differences.changed());
        } finally {
            bodies.release();
        }
        publishDeletes(differences.missing(), next);
        publisher.commit();
        return next;
    }

    private void publishMoves(Map<RelPath, Entry> changed, List<Scope> next) throws IOException, InterruptedException {
        for (RelPath path : sorted(changed.keySet(), true)) {
            stop.check();
            Entry seen = changed.get(path);
            Entry known = index.get(path);
            if (known != null && known.sameIdentity(seen)) {
                continue;
            }
            RelPath from = renameSource(path, seen);
            if (from != null) {
                publisher.send(new Rename(from, path, sequence.next()), null, 0);
                index.rename(from, path);
                if (seen.isDirectory()) {
                    next.add(Scope.tree(path)); // What was deleted inside it is only found by comparing again.
                    // What stands at the old path now (a directory made again there, a file moved
                    // back into it) was compared, if at all, with the entries the rename just took
                    // away from the index: compare it again, or it is never published (seen in
                    // GitCheckoutChurnTest, a file missing from the mirror after a checkout).
                    next.add(Scope.tree(from));
                }
            } else if (known != null && !known.isInDoubt() && known.type() != seen.type()) {
                // A path in doubt is simply published again: the consumer replaces whatever stands
                // in the way, while a delete would take a directory's committed content with it.
                publisher.send(new Delete(path, sequence.next()), null, 0);
                index.removeTree(path);
            } else {
                continue;
            }
            publisher.commitIfBatchFull();
        }
    }

    /**
     * Where the entry now at {@code path} was published before: a path the index holds with the
     * same file key, where that file no longer is. (A hard link leaves the source in place.) A
     * path ignored now is never one: a rename would take it away from the replica.
     */
    private RelPath renameSource(RelPath path, Entry seen) throws IOException {
        RelPath from = index.pathWithFileKey(seen.fileKey());
        if (from == null || from.contains(path) || path.contains(from)) {
            return null;
        }
        Entry published = index.get(from);
        if (published == null || published.type() != seen.type() || ignores.isIgnored(from, published.isDirectory())) {
            return null;
        }
        Entry there;
        try {
            there = tree.observe(from);
        } catch (AccessDeniedException e) {
            return null;
        }
        return there != null && seen.fileKey().equals(there.fileKey()) ? null : from;
    }

    /**
     * Publishes new and changed entries, letting go of each as it goes (taking it out of
     * {@code changed}, which nothing reads after this): in an initial sync the survey holds an entry
     * for every path of the tree, and the index a second one once it is published, which at a
     * million files made the producer's peak some 150 MiB larger than the index alone.
     */
    private void publishContent(Map<RelPath, Entry> changed) throws IOException, InterruptedException {
        List<RelPath> order = sorted(changed.keySet(), false);
        for (int i = 0; i < order.size(); i++) {
            stop.check();
            RelPath path = order.set(i, null);
            Entry seen = changed.remove(path);
            Entry known = index.get(path);
            if (known != null && known.sameContent(seen)) {
                if (!known.sameLook(seen)) {
                    // Same content under a new file key: remember the key.
                    index.put(path, seen.withSha256(known.sha256()));
                }
                continue;
            }
            switch (seen.type()) {
                case FILE -> publishFile(path, seen, known);
                case DIRECTORY -> {
                    publisher.send(new PutDirectory(path, sequence.next(), seen.mode(), seen.mtimeNanos()), null, 0);
                    index.put(path, seen);
                }
                case SYMLINK -> {
                    publisher.send(new PutSymlink(path, sequence.next(), seen.target()), null, 0);
                    index.put(path, seen);
                }
            }
            publisher.commitIfBatchFull();
        }
    }

    /** Publishes the file {@code seen} at {@code path}: as a delta when {@code known}, what was published there, allows. */
    private void publishFile(RelPath path, Entry seen, Entry known) throws IOException, InterruptedException {
        Sha256 published = known != null && known.isFile() && !known.isInDoubt() ? known.sha256() : null;
        Outcome outcome = bodies.send(publisher, path, seen, published);
        if (outcome instanceof Outcome.Sent sent) {
            index.put(path, sent.entry());
            retries.forget(path);
        } else if (outcome instanceof Outcome.RetryAt retry) {
            retries.retry(path, retry.when());
        } else {
            retries.forget(path);
        }
    }

    private void publishDeletes(Set<RelPath> missing, List<Scope> next) throws IOException, InterruptedException {
        for (RelPath path : sorted(missing, true)) {
            stop.check();
            if (!index.holdsTree(path)) {
                continue; // Claimed by a rename, or inside a directory deleted just before.
            }
            Entry there;
            try {
                there = tree.observe(path);
            } catch (AccessDeniedException e) {
                continue;
            }
            if (there != null) {
                next.add(Scope.entry(path)); // Appeared again while the tree was compared.
                continue;
            }
            publisher.send(new Delete(path, sequence.next()), null, 0);
            index.removeTree(path);
            retries.forget(path);
            publisher.commitIfBatchFull();
        }
    }

    private static List<RelPath> sorted(Collection<RelPath> paths, boolean parentsFirst) {
        List<RelPath> sorted = new ArrayList<>(paths);
        sorted.sort(parentsFirst ? TreeOrder.PARENTS_FIRST : TreeOrder.CHILDREN_FIRST);
        return sorted;
    }
}
