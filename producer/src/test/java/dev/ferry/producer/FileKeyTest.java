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
