package dev.ferry.producer.repair;

import dev.ferry.verify.DigestedTree;
import dev.ferry.wire.DirectoryDigest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The first round of a repair: the digests of the mirror's directories against those of what was
 * published. Equal roots: nothing to do. Else the directories whose listings are needed: those
 * both sides hold whose digests are not equal (or that either side has no digest of), below a
 * directory that is listed too. A directory only one side holds needs no listing of its own: its
 * parent's listing shows it missing or extra, whole.
 *
 * @param equal              whether the roots' digests are equal
 * @param entries            how many entries the published tree holds, when equal
 * @param directoriesToList  the directories to ask the mirror for, parents first; empty when equal
 */
record DigestRound(boolean equal, long entries, List<String> directoriesToList) {

    static DigestRound compare(PublishedView published, Map<String, DirectoryDigest> mirror) throws IOException {
        DigestedTree source = published.digested();
        DirectoryDigest root = source.digest("");
        if (root != null && root.equals(mirror.get(""))) {
            return new DigestRound(true, root.entries(), List.of());
        }
        List<String> toList = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (Map.Entry<String, DirectoryDigest> there : new TreeMap<>(mirror).entrySet()) { // Parents sort first.
            String directory = there.getKey();
            DirectoryDigest here = source.digest(directory);
            boolean needed = directory.isEmpty() || listed.contains(parentOf(directory));
            if (needed && (here == null || !here.equals(there.getValue())) && published.holdsDirectory(directory)) {
                toList.add(directory);
                listed.add(directory);
            }
        }
        return new DigestRound(false, 0, toList);
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
