package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * File names from the whole of Unicode, for {@link UnicodeNamesTest}: every valid scalar value can
 * come up (all seventeen planes, controls and noncharacters too; never a surrogate, NUL or '/'),
 * with more weight on what breaks software: characters outside the Basic Multilingual Plane, which
 * are two chars in Java; combining marks; right-to-left text and bidirectional controls; names
 * that differ only by normalization; names of exactly 255 bytes of UTF-8, the most Linux allows.
 *
 * <p>Names are built from lists of code points, so they shrink towards fewer and plainer characters
 * and a failure ends at the smallest name that still fails.
 */
final class UnicodeNames {

    static final int MAX_NAME_BYTES = 255;
    private static final int MAX_CODE_POINTS = 12;

    private UnicodeNames() {
    }

    /** A valid file name of 1 to 255 bytes of UTF-8, now and then of exactly 255. */
    static Arbitrary<String> names() {
        Arbitrary<List<Integer>> codePoints = codePoints().list().ofMinSize(1).ofMaxSize(MAX_CODE_POINTS);
        return Arbitraries.frequencyOf(
                        Tuple.of(5, codePoints.map(UnicodeNames::name)),
                        Tuple.of(1, codePoints.map(UnicodeNames::nameOfMaxBytes)))
                .filter(name -> !name.equals(".") && !name.equals(".."));
    }

    /** A name with at least one character outside the Basic Multilingual Plane: what issue 13 lost. */
    static Arbitrary<String> namesBeyondTheBmp() {
        Arbitrary<List<Integer>> around = codePoints().list().ofMaxSize(MAX_CODE_POINTS - 1);
        return Combinators.combine(around, supplementary(), Arbitraries.integers().between(0, MAX_CODE_POINTS - 1))
                .as((codePoints, beyond, at) -> {
                    List<Integer> all = new ArrayList<>(codePoints);
                    all.add(Math.min(at, all.size()), beyond);
                    return name(all);
                });
    }

    /**
     * Two or three names that differ only by normalization: the generated text, its NFC and its NFD
     * form, without repeats. Each holds a character with a canonical decomposition ("é", a Hangul
     * syllable, U+1D15E, a CJK compatibility ideograph of plane 2, the Ohm sign), so there are
     * always at least two.
     */
    static Arbitrary<List<String>> normalizationTwins() {
        Arbitrary<List<Integer>> text = Arbitraries.frequencyOf(
                        Tuple.of(3, decomposable()),
                        Tuple.of(1, combiningMarks()),
                        Tuple.of(1, ascii()))
                .list().ofMinSize(1).ofMaxSize(4)
                .filter(codePoints -> codePoints.stream().anyMatch(UnicodeNames::hasDecomposition));
        return text.map(codePoints -> {
            String raw = name(codePoints);
            Set<String> forms = new LinkedHashSet<>(List.of(raw,
                    Normalizer.normalize(raw, Normalizer.Form.NFC), Normalizer.normalize(raw, Normalizer.Form.NFD)));
            return List.copyOf(forms);
        });
    }

    /** {@code text} in ASCII: every other character as {@code \\u{hex}}, so look-alikes print apart. */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '\\') {
                shown.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                shown.append((char) c);
            } else {
                shown.append(String.format("\\u{%x}", c));
            }
        });
        return shown.toString();
    }

    /** Any scalar value a name may hold, weighted towards the troublesome ones. */
    private static Arbitrary<Integer> codePoints() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, ascii()),
                Tuple.of(1, Arbitraries.of(0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x85, 0x9f)),
                Tuple.of(2, Arbitraries.integers().between(0xa0, 0xffff).filter(c -> !isSurrogate(c))),
                Tuple.of(2, combiningMarks()),
                Tuple.of(2, rightToLeft()),
                Tuple.of(4, supplementary()));
    }

    private static Arbitrary<Integer> ascii() {
        return Arbitraries.integers().between(0x20, 0x7e).shrinkTowards('a').filter(c -> c != '/');
    }

    /** Planes 1 to 16, each as likely as the others, plus the assigned blocks people use. */
    private static Arbitrary<Integer> supplementary() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x10000, 0x10ffff)),
                Tuple.of(2, Arbitraries.integers().between(0x1f300, 0x1faff)), // plane 1: emoji
                Tuple.of(1, Arbitraries.integers().between(0x20000, 0x2a6df)), // plane 2: CJK extension B
                Tuple.of(1, Arbitraries.integers().between(0x30000, 0x3134a)), // plane 3: CJK extension G
                Tuple.of(1, Arbitraries.integers().between(0xe0001, 0xe01ef)), // plane 14: tags, variation selectors
                Tuple.of(1, Arbitraries.integers().between(0xf0000, 0x10fffd))); // planes 15 and 16: private use
    }

    private static Arbitrary<Integer> combiningMarks() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0x300, 0x36f),
                Arbitraries.integers().between(0x20d0, 0x20f0),
                Arbitraries.integers().between(0x1d165, 0x1d169), // plane 1: musical combining marks
                Arbitraries.integers().between(0xe0100, 0xe01ef)); // plane 14: variation selectors
    }

    /** Hebrew, Arabic, Adlam and Cypriot letters (the last two beyond the BMP), and the bidi controls. */
    private static Arbitrary<Integer> rightToLeft() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0x5d0, 0x5ea),
                Arbitraries.integers().between(0x627, 0x64a),
                Arbitraries.integers().between(0x1e900, 0x1e943),
                Arbitraries.integers().between(0x10800, 0x10805),
                Arbitraries.of(0x200e, 0x200f, 0x202b, 0x202e, 0x2067));
    }

    private static Arbitrary<Integer> decomposable() {
        return Arbitraries.oneOf(
                Arbitraries.of(0xe9, 0xc5, 0xf1, 0x1ec7, 0x212b, 0x2126),
                Arbitraries.integers().between(0xac00, 0xd7a3), // Hangul syllables
                Arbitraries.integers().between(0x1d15e, 0x1d164), // plane 1: musical notes
                Arbitraries.integers().between(0x2f800, 0x2fa1d)); // plane 2: CJK compatibility ideographs
    }

    private static boolean hasDecomposition(int codePoint) {
        String text = Character.toString(codePoint);
        return !Normalizer.normalize(text, Normalizer.Form.NFD).equals(text);
    }

    private static boolean isSurrogate(int c) {
        return c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE;
    }

    /** The code points as a name, as many as fit in 255 bytes (a name never has more than 48). */
    private static String name(List<Integer> codePoints) {
        return fill(codePoints, false);
    }

    /** The code points repeated up to 255 bytes, the rest filled with 'x' to exactly 255. */
    private static String nameOfMaxBytes(List<Integer> codePoints) {
        return fill(codePoints, true);
    }

    private static String fill(List<Integer> codePoints, boolean toMaxBytes) {
        StringBuilder name = new StringBuilder();
        int bytes = 0;
        for (int i = 0; toMaxBytes || i < codePoints.size(); i++) {
            int codePoint = codePoints.get(i % codePoints.size());
            int length = Character.toString(codePoint).getBytes(UTF_8).length;
            if (bytes + length > MAX_NAME_BYTES) {
                break;
            }
            name.appendCodePoint(codePoint);
            bytes += length;
        }
        if (toMaxBytes) {
            name.append("x".repeat(MAX_NAME_BYTES - bytes));
        }
        return name.toString();
    }
}
