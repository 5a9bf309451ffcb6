package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.util.Comparator;

/**
 * Orders paths segment by segment, with a directory before its contents or after them. (Plain
 * text order is neither: "a-b" sorts between "a" and "a/c".)
 */
final class TreeOrder {

    /** A directory before its contents: renames of a directory come before renames inside it. */
    static final Comparator<RelPath> PARENTS_FIRST = (a, b) -> compare(a.text(), b.text(), true);

    /** A directory after its contents: writing them changes its modification time. */
    static final Comparator<RelPath> CHILDREN_FIRST = (a, b) -> compare(a.text(), b.text(), false);

    private TreeOrder() {
    }

    private static int compare(String a, String b, boolean parentsFirst) {
        int common = Math.min(a.length(), b.length());
        for (int i = 0; i < common; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Where one segment ends first, it is the shorter name and sorts first.
                return x == '/' ? -1 : y == '/' ? 1 : Character.compare(x, y);
            }
        }
        if (a.length() == b.length()) {
            return 0;
        }
        boolean aIsShorter = a.length() < b.length();
        String longer = aIsShorter ? b : a;
        boolean isAncestor = longer.charAt(common) == '/';
        int shorterFirst = aIsShorter ? -1 : 1;
        return isAncestor && !parentsFirst ? -shorterFirst : shorterFirst;
    }
}
