package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * The first step of reconciliation: looks at the scopes on disk and lists where they differ
 * from the index, without publishing anything.
 *
 * <p>Only differences are kept, so surveying an unchanged tree costs memory for a few directory
 * listings at a time (those read ahead). Something the producer may not read is neither changed
 * nor missing: a permission problem must never look like a deletion. Nor is an ignored path,
 * whether it is on disk or only in the index, and an ignored directory is not descended into.
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

    /**
     * Directories read ahead of the comparison. A few suffice: reading is mostly lstat, the
     * comparison a few map lookups per entry, and each directory read ahead holds its listing.
     */
    private static final int READ_AHEAD = 8;
    /** Stands for the root in the queue of directories to read, which holds no null. */
    private static final RelPath ROOT = RelPath.of("root");

    private final SourceTree tree;
    private final SourceIndex index;
    private final SourceIgnores ignores;
    private final StopCheck stop;
    private final DirectoryReaders readers = DirectoryReaders.shared();

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

    /**
     * What a reader saw of one entry of a listing: its entry (null when absent or not
     * replicable), or that it may not be looked at.
     */
    private record Sight(RelPath path, Entry entry, boolean denied) {
    }

    /**
     * A directory as read off the disk, by a reader thread: its listing and what each of its
     * entries is, or why it could not be listed.
     */
    private record DirectoryRead(RelPath directory, SourceTree.Listing listing, List<Sight> sights,
                                 IOException failure) {

        static DirectoryRead of(SourceTree tree, RelPath directory) throws IOException {
            SourceTree.Directory open;
            SourceTree.Listing listing;
            try {
                open = tree.openDirectory(directory);
            } catch (FileSystemException e) {
                return failed(directory, e);
            }
            try (open) {
                try {
                    listing = open.list();
                } catch (FileSystemException e) {
                    return failed(directory, e);
                }
                List<Sight> sights = new ArrayList<>(listing.children().size());
                for (SourceTree.Child child : listing.children()) {
                    try {
                        sights.add(new Sight(child.path(), open.observe(child), false));
                    } catch (AccessDeniedException e) {
                        sights.add(new Sight(child.path(), null, true));
                    }
                }
                return new DirectoryRead(directory, listing, sights, null);
            }
        }

        /**
         * A directory that could not be read: gone (or no longer a real directory, which comes to
         * the same), or not to be read. Anything else is thrown.
         */
        private static DirectoryRead failed(RelPath directory, FileSystemException e) throws FileSystemException {
            if (SourceTree.isGone(e)) {
                NoSuchFileException gone = new NoSuchFileException(e.getFile(), e.getOtherFile(), e.getReason());
                gone.initCause(e);
                return new DirectoryRead(directory, null, List.of(), gone);
            }
            if (e instanceof AccessDeniedException) {
                return new DirectoryRead(directory, null, List.of(), e);
            }
            throw e;
        }
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

        /**
         * Surveys everything below {@code top} ({@code null} for the root), one directory at a
         * time. The next few directories are read ahead by {@link DirectoryReaders}, so looking at
         * the disk (mostly one lstat per entry) and comparing with the index overlap.
         */
        void walk(RelPath top) throws IOException, InterruptedException {
            Deque<RelPath> unread = new ArrayDeque<>();
            Deque<Future<DirectoryRead>> reading = new ArrayDeque<>();
            unread.push(top == null ? ROOT : top);
            try {
                while (!unread.isEmpty() || !reading.isEmpty()) {
                    stop.check();
                    while (reading.size() < READ_AHEAD && !unread.isEmpty()) {
                        RelPath next = unread.pop();
                        RelPath directory = next == ROOT ? null : next;
                        reading.add(readers.submit(() -> DirectoryRead.of(tree, directory)));
                    }
                    compare(DirectoryReaders.await(reading.poll()), unread);
                }
            } finally {
                reading.forEach(read -> read.cancel(false));
            }
        }

        /** Compares one directory read off the disk with the index; its subdirectories join {@code unread}. */
        private void compare(DirectoryRead read, Deque<RelPath> unread) throws IOException {
            RelPath directory = read.directory();
            if (directory == null) {
                walkedWholeTree = true;
            } else {
                walked.add(directory);
            }
            SourceTree.Listing listing = listing(read);
            if (listing == null) {
                return;
            }
            Set<RelPath> present = new HashSet<>();
            for (Sight sight : read.sights()) {
                RelPath child = sight.path();
                Entry seen = sight.entry();
                if (sight.denied()) {
                    tree.warnOnce(child.text(), "not publishing {}: permission denied", child);
                    present.add(child);
                } else if (seen != null && ignores.isIgnoredEntry(child, seen.isDirectory())) {
                    present.add(child); // Neither published nor, when the index holds it, deleted.
                } else if (seen != null) {
                    present.add(child);
                    note(child, seen, index.get(child));
                    if (seen.isDirectory()) {
                        unread.push(child);
                    }
                }
            }
            for (RelPath known : index.children(directory)) {
                if (!present.contains(known) && !isIgnoredInIndex(known)
                        && (listing.complete() || isGoneByName(known))) {
                    missing.add(known);
                }
            }
        }

        /**
         * In a directory whose listing left out names it could not read (not valid in the file
         * name encoding), whether an entry the index holds is gone, asked by its own name: the
         * listing cannot say, and without asking, nothing deleted there would ever be.
         */
        private boolean isGoneByName(RelPath known) throws IOException {
            try {
                return tree.observe(known) == null;
            } catch (AccessDeniedException unnameable) {
                return false; // Its name cannot be asked for either (published under another encoding).
            }
        }

        /** The entries of a directory read, or {@code null} when it vanished (to look at again) or may not be read. */
        SourceTree.Listing listing(DirectoryRead read) throws IOException {
            RelPath directory = read.directory();
            IOException failure = read.failure();
            if (failure == null) {
                return read.listing();
            }
            if (failure instanceof NoSuchFileException) {
                if (directory == null) {
                    throw new IOException("the source directory " + tree.root() + " is gone", failure);
                }
                recheck.add(Scope.entry(directory));
                return null;
            }
            if (failure instanceof AccessDeniedException) {
                if (directory == null) {
                    throw new IOException("cannot list the source directory " + tree.root() + ": permission denied",
                            failure);
                }
                tree.warnOnce(tree.resolve(directory).toString(), "not publishing what is in {}: permission denied",
                        tree.resolve(directory));
                return null;
            }
            throw failure;
        }

        /** Whether an entry gone from disk was ignored, as far as the index knows what it was. */
        boolean isIgnoredInIndex(RelPath path) {
            Entry known = index.get(path);
            return ignores.isIgnoredEntry(path, known != null && known.isDirectory());
        }

        void note(RelPath path, Entry seen, Entry known) {
            if (!seen.sameLook(known)) {
                changed.put(path, seen);
            }
        }
    }
}
