package dev.ferry.verify;

import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;

/** Which entries Ferry replicates: what a comparison skips in the source, and what no digest covers. */
final class Replicable {

    private Replicable() {
    }

    /** Why Ferry does not replicate {@code entry} at {@code path}; null when it does. */
    static String whyNot(String path, TreeEntry entry) {
        if (entry.type() == TreeEntry.Type.SPECIAL) {
            return "a fifo, socket or device, which Ferry does not replicate";
        }
        RelPath relative;
        try {
            relative = RelPath.of(path);
        } catch (IllegalArgumentException e) {
            return "Ferry cannot carry its name: " + e.getMessage();
        }
        if (entry.type() == TreeEntry.Type.SYMLINK && !WireFormat.symlinkStaysInside(relative, entry.target())) {
            return "a symlink pointing out of the tree, which Ferry does not replicate";
        }
        return null;
    }
}
