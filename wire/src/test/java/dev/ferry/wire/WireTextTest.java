package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WireTextTest {

    @Test
    void escapedTextIsAsciiAndComesBackAsItWas() {
        Random random = new Random(13);
        for (int i = 0; i < 2_000; i++) {
            String text = randomText(random);

            String ascii = WireText.escape(text);

            assertThat(WireText.isAscii(ascii)).as(ascii).isTrue();
            assertThat(WireText.unescape(ascii)).isEqualTo(text);
        }
    }

    @Test
    void textWithoutBackslashesOrOtherCharactersIsItsOwnEscape() {
        assertThat(WireText.escape("failed 10 times applying a/b.txt: disk full"))
                .isEqualTo("failed 10 times applying a/b.txt: disk full");
        assertThat(WireText.unescape("an older consumer's reason: caf\u00e9")).isEqualTo("an older consumer's reason: caf\u00e9");
    }

    @Test
    void aCharacterOutsideTheBmpIsEscapedAsItsSurrogatePair() {
        assertThat(WireText.escape("a-\uD83D\uDE00 \\")).isEqualTo("a-\\uD83D\\uDE00 \\\\");
    }

    @Test
    void aBackslashNotFollowedByAnEscapeIsLeftAlone() {
        assertThat(WireText.unescape("C:\\temp \\u12 \\x")).isEqualTo("C:\\temp \\u12 \\x");
    }

    /** Text mixing ASCII, backslashes, controls and scalar values from every plane. */
    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(20);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(5);
            int codePoint = switch (kind) {
                case 0 -> 0x20 + random.nextInt(0x5f);
                case 1 -> '\\';
                case 2 -> random.nextInt(0x20);
                case 3 -> 0x80 + random.nextInt(0xD800 - 0x80);
                default -> 0x10000 + random.nextInt(0x10FFFF - 0xFFFF);
            };
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }
}
