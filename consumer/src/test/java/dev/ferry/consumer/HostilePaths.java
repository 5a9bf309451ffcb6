package dev.ferry.consumer;

import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Path texts for the property tests: the hostile, the tricky but valid, and the plain. */
final class HostilePaths {

    /** "é" composed (NFC) and decomposed (NFD): the same letter to a human, two names to Linux. */
    static final String E_NFC = "\u00e9";
    static final String E_NFD = "e\u0301";
    /** The longest name Linux allows: 255 bytes. */
    static final String LONGEST_NAME = "n".repeat(255);
    /**
     * A valid relative path of 4095 bytes: any destination prefix makes it longer than the
     * kernel's PATH_MAX, so it can never be created.
     */
    static final String LONGER_THAN_PATH_MAX = String.join("/", Collections.nCopies(16, LONGEST_NAME));

    /** A few names, so that generated events keep meeting each other in the same small tree. */
    private static final List<String> TREE_NAMES = List.of("a", "A", E_NFC, E_NFD, LONGEST_NAME);

    private HostilePaths() {
    }

    /** Any text a "path" field might hold: mostly hostile or tricky, sometimes plain. */
    static Arbitrary<String> anyText() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, joined(segments(), 1, 5)),
                Tuple.of(2, Combinators.combine(joined(segments(), 1, 3), decorations()).as((path, decorate) ->
                        decorate.apply(path))),
                Tuple.of(2, fixedHostile()),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
    }

    /** Valid paths in a small tree (depth 1 to 3, a handful of names), now and then far too long. */
    static Arbitrary<String> inTree() {
        return Arbitraries.frequencyOf(
                Tuple.of(40, joined(Arbitraries.of(TREE_NAMES), 1, 3)),
                Tuple.of(1, Arbitraries.just(LONGER_THAN_PATH_MAX)));
    }

    /** One of the few names of the small tree. */
    static Arbitrary<String> treeNames() {
        return Arbitraries.of(TREE_NAMES);
    }

    /** Relative symlink targets: climbing 0 to 3 levels, then up to two names; not all stay inside. */
    static Arbitrary<String> symlinkTargets() {
        Arbitrary<String> climb = Arbitraries.integers().between(0, 3).map("../"::repeat);
        Arbitrary<String> names = joined(Arbitraries.of(TREE_NAMES), 0, 2);
        return Arbitraries.frequencyOf(
                Tuple.of(8, Combinators.combine(climb, names).as((up, down) -> up + down)
                        .map(target -> target.isEmpty() ? "." : target)),
                Tuple.of(1, Arbitraries.of("/etc/passwd", "/", ".ferry", "./.ferry/ledger.journal", "a/../..",
                        "a/../b", "..", "./..", ".//..", "", "a\0b", "\uD800", "a/.ferry")));
    }

    private static Arbitrary<String> segments() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("a", "b", "A", "sub", E_NFC, E_NFD, "caf" + E_NFC, "caf" + E_NFD,
                        "-rf", "...", "..a", ".ferryx", " ", "..\\..\\x", "new\nline", "tab\t", "\u2603", "\uD83D\uDE42",
                        "~", "$HOME", "*", LONGEST_NAME, E_NFC.repeat(127))),
                Tuple.of(2, Arbitraries.of("..", ".", "", "\0", "a\0b", ".ferry", "n".repeat(256),
                        E_NFC.repeat(128), "\uD800", "x\uDC00")),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8)));
    }

    private static Arbitrary<UnaryOperator<String>> decorations() {
        return Arbitraries.of(path -> "/" + path, path -> path + "/", path -> "./" + path, path -> "../" + path,
                path -> ".ferry/" + path, path -> path + "/..", path -> "//" + path, path -> path + "//" + path);
    }

    private static Arbitrary<String> fixedHostile() {
        return Arbitraries.of("", "/", "//", "/etc/passwd", "../../../../etc/passwd", "..", ".", ".ferry",
                ".ferry/ledger.journal", ".ferry/lock", ".ferry/staging/1-abc.part", "a/../../x", "a/./b",
                "a//b", "\0", "d/".repeat(2049) + "f", LONGER_THAN_PATH_MAX, LONGER_THAN_PATH_MAX + "/x");
    }

    private static Arbitrary<String> joined(Arbitrary<String> segments, int min, int max) {
        return segments.list().ofMinSize(min).ofMaxSize(max).map(list -> String.join("/", list));
    }
}
