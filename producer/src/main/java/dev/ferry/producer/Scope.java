package dev.ferry.producer;

import dev.ferry.wire.RelPath;

/**
 * A part of the tree to compare with the index: one entry, or (when {@code deep}) one entry and
 * everything below it. A directory the index does not know yet is always compared deep.
 *
 * @param path the entry, or {@code null} for the whole tree
 */
record Scope(RelPath path, boolean deep) {

    static final Scope WHOLE_TREE = new Scope(null, true);

    static Scope entry(RelPath path) {
        return new Scope(path, false);
    }

    static Scope tree(RelPath path) {
        return new Scope(path, true);
    }

    boolean isWholeTree() {
        return path == null;
    }
}
