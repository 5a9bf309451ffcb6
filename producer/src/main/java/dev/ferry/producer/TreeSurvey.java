package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The first step of reconciliation: looks at the scopes on disk and lists where they differ
 * from the index, without publishing anything.
 *
 * <p>Only differences are kept, so surveying an unchanged tree costs memory for one directory
 * listing at a time. Something the producer may not read is neither changed nor missing: a
 * permission problem must never look like a deletion. Nor is an ignored path, whether it is on
 * disk or only in the index, and an ignored directory is not descended into.
 */
final class TreeSurvey {

    /**
     * Where disk and index differ.
     *
     * @param changed entries on disk that the index does not hold as they are
     * @param missing paths the index holds (or holds entries below) that are no longer on disk
     * @param recheck scopes that changed while they were surveyed, to survey again
     */
    record Differences(Map<RelPath, Entry> changed, Set<RelPath> missing, Set<Scope> recheck) {
    }

    private final SourceTree tree;
    private final SourceIndex index;
    private final SourceIgnores ignores;
    private final StopCheck stop;

    TreeSurvey(SourceTree tree, SourceIndex index, SourceIgnores ignores, StopCheck stop) {
        this.tree = tree;
        this.index = index;
        this.ignores = ignores;
        this.stop = stop;
    }

    Differences survey(Collection<Scope> scopes) throws IOException, InterruptedException {
        Run run = new Run();
        List<Scope> ordered = new ArrayList<>(scopes);
        // Wider scopes first, so that narrower ones they cover are skipped.
        ordered.sort(Comparator.comparing((Scope s) -> !s.isWholeTree())
                .thenComparing(Scope::path, Comparator.nullsFirst(TreeOrder.PARENTS_FIRST))
                .thenComparing(s -> !s.deep()));
        for (Scope scope : ordered) {
            if (!run.covers(scope)) {
                run.survey(scope);
            }
        }
        return new Differences(run.changed, run.missing, run.recheck);
    }

    private final class Run {
        final Map<RelPath, Entry> changed = new HashMap<>();
        final Set<RelPath> missing = new HashSet<>();
        final Set<Scope> recheck = new LinkedHashSet<>();
        final Set<RelPath> looked = new HashSet<>();
        final Set<RelPath> walked = new HashSet<>();
        boolean walkedWholeTree;

        boolean covers(Scope scope) {
            if (walkedWholeTree) {
                return true;
            }
            if (scope.isWholeTree()) {
                return false;
            }
            if (walked.contains(scope.path()) || (!scope.deep() && looked.contains(scope.path()))) {
                return true;
            }
            for (RelPath parent = scope.path().parent(); parent != null; parent = parent.parent()) {
                if (walked.contains(parent)) {
                    return true;
                }
            }
            return false;
        }

        void survey(Scope scope) throws IOException, InterruptedException {
            if (scope.isWholeTree()) {
                walk(null);
                return;
            }
            RelPath path = scope.path();
            looked.add(path);
            Entry seen;
            try {
                seen = tree.observe(path);
            } catch (AccessDeniedException e) {
                tree.warnOnce(path.text(), "not publishing {}: {}", path,
                        e.getReason() != null ? e.getReason() : "permission denied");
                return;
            }
            Entry known = index.get(path);
            if (ignores.isIgnored(path, seen != null ? seen.isDirectory() : known != null && known.isDirectory())) {
                return;
            }
            if (seen == null) {
                missing.add(path);
                return;
            }
            note(path, seen, known);
            boolean unknownDirectory = known == null || !known.isDirectory()
                    || !Objects.equals(known.fileKey(), seen.fileKey());
            if (seen.isDirectory() && (scope.deep() || unknownDirectory)) {
                walk(path);
            }
        }

        /** Surveys everything below {@code top} ({@code null} for the root), one directory at a time. */
        void walk(RelPath top) throws IOException, InterruptedException {
            List<RelPath> pending = new ArrayList<>();
            pending.add(top);
            while (!pending.isEmpty()) {
                stop.check();
                RelPath directory = pending.remove(pending.size() - 1);
                if (directory == null) {
                    walkedWholeTree = true;
                } else {
                    walked.add(directory);
                }
                SourceTree.Listing listing = listing(directory);
                if (listing == null) {
                    continue;
                }
                Set<RelPath> present = new HashSet<>();
                for (SourceTree.Child entry : listing.children()) {
                    RelPath child = entry.path();
                    Entry seen;
                    try {
                        seen = tree.observeChild(entry);
                    } catch (AccessDeniedException e) {
                        tree.warnOnce(child.text(), "not publishing {}: permission denied", child);
                        present.add(child);
                        continue;
                    }
                    if (seen != null && ignores.isIgnoredEntry(child, seen.isDirectory())) {
                        present.add(child); // Neither published nor, when the index holds it, deleted.
                    } else if (seen != null) {
                        present.add(child);
                        note(child, seen, index.get(child));
                        if (seen.isDirectory()) {
                            pending.add(child);
                        }
                    }
                }
                if (listing.complete()) {
                    for (RelPath known : index.children(directory)) {
                        if (!present.contains(known) && !isIgnoredInIndex(known)) {
                            missing.add(known);
                        }
                    }
                }
            }
        }

        /** The entries of a directory, or {@code null} when it vanished (to look at again) or may not be read. */
        SourceTree.Listing listing(RelPath directory) throws IOException {
            try {
                return tree.list(directory);
            } catch (NoSuchFileException e) {
                if (directory == null) {
                    throw new IOException("the source directory " + tree.root() + " is gone", e);
                }
                recheck.add(Scope.entry(directory));
                return null;
            } catch (AccessDeniedException e) {
                if (directory == null) {
                    throw new IOException("cannot list the source directory " + tree.root() + ": permission denied", e);
                }
                tree.warnOnce(tree.resolve(directory).toString(), "not publishing what is in {}: permission denied",
                        tree.resolve(directory));
                return null;
            }
        }

        /** Whether an entry gone from disk was ignored, as far as the index knows what it was. */
        boolean isIgnoredInIndex(RelPath path) {
            Entry known = index.get(path);
            return ignores.isIgnoredEntry(path, known != null && known.isDirectory());
        }

        void note(RelPath path, Entry seen, Entry known) {
            if (!seen.equals(known)) {
                changed.put(path, seen);
            }
        }
    }
}
