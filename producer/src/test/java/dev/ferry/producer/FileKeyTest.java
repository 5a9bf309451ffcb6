package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyTest {

    @TempDir
    Path dir;

    @Test
    void aUnixKeyIsHeldAsNumbersAndReadsBackAsTheSameText() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Object jdkKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

        FileKey key = FileKey.of(jdkKey);

        assertThat(key.text()).as("held as numbers").isNull();
        assertThat(key.toString()).isEqualTo(jdkKey.toString());
        assertThat(FileKey.of(key.toString())).isEqualTo(key).hasSameHashCodeAs(key);
    }

    @Test
    void hardLinksHaveEqualKeysAndAnotherFileDoesNot() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path link = Files.createLink(dir.resolve("link"), file);
        Path other = Files.writeString(dir.resolve("g"), "x");

        assertThat(key(link)).isEqualTo(key(file)).hasSameHashCodeAs(key(file));
        assertThat(key(other)).isNotEqualTo(key(file));
    }

    @Test
    void numbersOfEveryRangeReadBackAsTheirText() {
        for (String text : new String[] {"(dev=0,ino=0)", "(dev=fd01,ino=-5)", "(dev=ffffffffffffffff,ino=1)",
                "(dev=1,ino=-9223372036854775808)"}) {
            FileKey key = FileKey.of(text);
            assertThat(key.text()).as(text).isNull();
            assertThat(key.toString()).isEqualTo(text);
        }
    }

    private static FileKey key(Path path) throws Exception {
        return FileKey.of(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
    }

    @Test
    void anyOtherTextIsKeptAsItIsEvenWhenItAlmostLooksUnix() {
        for (String text : new String[] {"k1", "(dev=01,ino=2)", "(dev=1,ino=+2)", "(dev=1,ino=2", "(dev=,ino=2)",
                "(dev=zz,ino=2)", "(dev=fffffffffffffffff,ino=2)"}) {
            FileKey key = FileKey.of(text);
            assertThat(key.toString()).isEqualTo(text);
            assertThat(key.text()).as(text).isEqualTo(text);
        }
        assertThat(FileKey.of("(dev=ffffffffffffffff,ino=9223372036854775807)").text()).isNull();
        assertThat(FileKey.of("(dev=1,ino=2)")).isNotEqualTo(FileKey.of("(dev=2,ino=1)"));
        assertThat(FileKey.of((String) null)).isNull();
    }
}
