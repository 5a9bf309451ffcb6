package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The digest is a definition both sides of the wire compute byte for byte, so its values are
 * checked against bytes built by hand from the definition and hashed by {@code sha256sum}.
 */
class DirectoryDigestTest {

    private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private static final String OTHER = "87298cc2f31fba73181ea2a9e6ef10dce21ed95e98bdac9c4e1504ea16f486e4";

    /** {@code printf 'ferry-dir\x01\x00\x00\x00\x00' | sha256sum} */
    private static final String EMPTY = "0a5586a66cec34d9d0c773b842b43847a997e8af14f23a4b5fb92c1c30b097be";

    @Test
    void anEmptyDirectoryHasTheDigestOfTheHeaderAlone() {
        assertThat(DirectoryDigest.builder().digest()).isEqualTo(new DirectoryDigest(EMPTY, 0));
    }

    /**
     * <pre>{@code
     * { printf 'ferry-dir\x01\x00\x00\x00\x03'
     *   printf '\x00\x00\x00\x05a.txtf'; printf '\x00\x00\x00\x00\x00\x00\x00\x05'; printf '\x01\xa4'
     *   printf '\x00\x00\x00\xe8\xd4\xa5\x10\x7b'; printf hello | sha256sum | cut -c1-64 | xxd -r -p
     *   printf '\x00\x00\x00\x04linkl\x00\x00\x00\x05a.txt'
     *   printf '\x00\x00\x00\x03subd\x01\xed\xff\xff\xff\xff\xff\xff\xff\xff'; printf %s $EMPTY | xxd -r -p
     * } | sha256sum
     * }</pre>
     */
    @Test
    void aFileALinkAndASubdirectoryMatchTheDefinitionByteForByte() {
        DirectoryDigest empty = DirectoryDigest.builder().digest();

        DirectoryDigest digest = DirectoryDigest.builder()
                .directory("sub", 0755, -1, empty)
                .symlink("link", "a.txt")
                .file("a.txt", 5, 0644, 1_000_000_000_123L, HELLO)
                .digest();

        assertThat(digest.sha256()).isEqualTo("6c449acaed98cec4cfa1297803383b25d40394f9b0549a26cce9e2362ba37e15");
        assertThat(digest.entries()).isEqualTo(3);
    }

    /**
     * Java orders strings by UTF-16 units, where U+1F600 (a surrogate pair, D83D...) sorts before
     * U+E000; in UTF-8 bytes (F0... against EE...) it sorts after. And bytes compare unsigned, so
     * ASCII "z" comes first. The definition says so:
     * <pre>{@code
     * { printf 'ferry-dir\x01\x00\x00\x00\x03'
     *   printf '\x00\x00\x00\x01zl\x00\x00\x00\x01x'
     *   printf '\x00\x00\x00\x03\xee\x80\x80l\x00\x00\x00\x01x'
     *   printf '\x00\x00\x00\x04\xf0\x9f\x98\x80l\x00\x00\x00\x01x'
     * } | sha256sum
     * }</pre>
     */
    @Test
    void namesAreOrderedByTheirUtf8BytesUnsignedNotAsJavaComparesStrings() {
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00";
        assertThat(emoji.compareTo(privateUse)).isNegative();

        DirectoryDigest digest = DirectoryDigest.builder().symlink(emoji, "x").symlink(privateUse, "x")
                .symlink("z", "x").digest();

        assertThat(digest.sha256()).isEqualTo("702cb1d73abb9c319a8b72203d94d1dd0e7662754a56f12f5279483c947a06e7");
    }

    @Test
    void theOrderInWhichEntriesAreAddedDoesNotMatter() {
        List<Consumer<DirectoryDigest.Builder>> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = "entry-" + i + (i % 3 == 0 ? "-é" : "");
            int n = i;
            entries.add(builder -> builder.file(name, n, 0644, n * 1000L, HELLO));
            entries.add(builder -> builder.symlink(name + ".link", name));
        }
        DirectoryDigest first = digestOf(entries);
        Random random = new Random(14);

        for (int round = 0; round < 5; round++) {
            Collections.shuffle(entries, random);
            assertThat(digestOf(entries)).isEqualTo(first);
        }
        assertThat(first.entries()).isEqualTo(100);
    }

    @Test
    void everyFieldOfEveryRecordChangesTheDigest() {
        DirectoryDigest empty = DirectoryDigest.builder().digest();
        DirectoryDigest nonEmpty = DirectoryDigest.builder().symlink("x", "y").digest();
        List<DirectoryDigest> variants = List.of(
                withFile("a", 5, 0644, 1000, HELLO),
                withFile("b", 5, 0644, 1000, HELLO),
                withFile("a", 6, 0644, 1000, HELLO),
                withFile("a", 5, 0600, 1000, HELLO),
                withFile("a", 5, 0644, 1001, HELLO),
                withFile("a", 5, 0644, 1000, OTHER),
                DirectoryDigest.builder().symlink("a", "target").digest(),
                DirectoryDigest.builder().symlink("a", "target2").digest(),
                DirectoryDigest.builder().directory("a", 0644, 1000, empty).digest(),
                DirectoryDigest.builder().directory("a", 0755, 1000, empty).digest(),
                DirectoryDigest.builder().directory("a", 0644, 1001, empty).digest(),
                DirectoryDigest.builder().directory("a", 0644, 1000, nonEmpty).digest(),
                empty);

        assertThat(variants.stream().map(DirectoryDigest::sha256).distinct()).hasSameSizeAs(variants);
    }

    @Test
    void namesThatDifferOnlyByUnicodeNormalizationAreDifferentNames() {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";

        assertThat(withFile(composed, 5, 0644, 1000, HELLO)).isNotEqualTo(withFile(decomposed, 5, 0644, 1000, HELLO));
        assertThat(DirectoryDigest.builder().symlink(composed, "x").symlink(decomposed, "x").digest().entries())
                .isEqualTo(2);
    }

    @Test
    void aSubdirectoryCountsWhatItHolds() {
        DirectoryDigest inner = DirectoryDigest.builder().file("f", 5, 0644, 0, HELLO).symlink("l", "f").digest();

        DirectoryDigest outer = DirectoryDigest.builder().directory("d", 0755, 0, inner).file("g", 5, 0644, 0, HELLO)
                .digest();

        assertThat(outer.entries()).isEqualTo(4);
    }

    @Test
    void whatTheDefinitionCannotEncodeIsRejectedWithTheReason() {
        assertThatThrownBy(() -> DirectoryDigest.builder().symlink("a", "x").file("a", 5, 0644, 0, HELLO))
                .hasMessage("two entries named \"a\"");
        for (String name : new String[] {"", ".", "..", "a/b", "nul\0", "\uD800"}) {
            assertThatThrownBy(() -> DirectoryDigest.builder().symlink(name, "x"))
                    .hasMessageStartingWith("not a name Ferry carries");
        }
        assertThatThrownBy(() -> DirectoryDigest.builder().file("a", 5, 01000, 0, HELLO))
                .hasMessage("\"a\" has permission bits out of range: 1000");
        assertThatThrownBy(() -> DirectoryDigest.builder().file("a", -1, 0644, 0, HELLO))
                .hasMessage("file \"a\" has a negative size: -1");
        assertThatThrownBy(() -> DirectoryDigest.builder().file("a", 5, 0644, 0, HELLO.toUpperCase()))
                .hasMessageContaining("no SHA-256 of 64 lowercase hex digits");
        assertThatThrownBy(() -> DirectoryDigest.builder().symlink("a", ""))
                .hasMessage("symlink \"a\" has no valid target");
        assertThatThrownBy(() -> new DirectoryDigest("abc", 0)).hasMessageContaining("not 64 lowercase hex digits");
    }

    private static DirectoryDigest withFile(String name, long size, int mode, long mtimeMillis, String sha256) {
        return DirectoryDigest.builder().file(name, size, mode, mtimeMillis, sha256).digest();
    }

    private static DirectoryDigest digestOf(List<Consumer<DirectoryDigest.Builder>> entries) {
        DirectoryDigest.Builder builder = DirectoryDigest.builder();
        entries.forEach(entry -> entry.accept(builder));
        return builder.digest();
    }
}
