package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSettingsTest {

    @TempDir
    Path temp;

    @Test
    void defaultsAreFiftyMillisecondsQuiet512KiBChunksAndBatchesOf4096EventsOr8MiB() throws Exception {
        Path source = Files.createDirectory(temp.resolve("src"));

        ProducerSettings settings = ProducerSettings.defaults(source, temp.resolve("state"), "q");

        assertThat(settings.quietPeriod()).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.chunkBytes()).isEqualTo(512 * 1024);
        assertThat(settings.batchMessages()).isEqualTo(4096);
        assertThat(settings.batchBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(settings.source()).isEqualTo(source.toRealPath());
    }

    @Test
    void theSourceMustBeAnExistingDirectory() {
        Path missing = temp.resolve("missing");

        assertThatThrownBy(() -> ProducerSettings.defaults(missing, temp.resolve("state"), "q"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void theStateDirectoryMayNotBeInsideTheSourceNorContainIt() throws Exception {
        Path source = Files.createDirectory(temp.resolve("src"));

        assertThatThrownBy(() -> ProducerSettings.defaults(source, source.resolve(".state"), "q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(source.resolve(".state").toString()).hasMessageContaining("inside the source");
        assertThatThrownBy(() -> ProducerSettings.defaults(source, temp, "q"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the state directory");
    }

    @Test
    void theStateDirectoryIsCheckedThroughSymlinks() throws Exception {
        Path source = Files.createDirectory(temp.resolve("src"));
        Path alias = Files.createSymbolicLink(temp.resolve("alias"), source);

        assertThatThrownBy(() -> ProducerSettings.defaults(source, alias.resolve("state"), "q"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the source");
    }

    @Test
    void theChunkSizeMustFitInAMessage() throws Exception {
        Path source = Files.createDirectory(temp.resolve("src"));
        Path state = temp.resolve("state");

        assertThatThrownBy(() -> new ProducerSettings(source, state, "q", Duration.ZERO, 0, 1, 1))
                .hasMessageContaining("chunk size 0");
        assertThatThrownBy(() -> new ProducerSettings(source, state, "q", Duration.ZERO,
                WireFormat.MAX_CHUNK_BYTES + 1, 1, 1)).hasMessageContaining("chunk size");
    }

    @Test
    void theMirrorsKeptAreMirrorNamesEachOnceAndDefaultUnlessToldOtherwise() throws Exception {
        Path source = Files.createDirectory(temp.resolve("src"));
        ProducerSettings settings = ProducerSettings.defaults(source, temp.resolve("state"), "q");

        assertThat(settings.mirrors()).containsExactly(WireFormat.DEFAULT_MIRROR);
        assertThat(settings.withMirrors(List.of("office", "offsite", "office")).mirrors())
                .containsExactly("office", "offsite");
        assertThatThrownBy(() -> settings.withMirrors(List.of("office", "two words")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'two words' is not a mirror name");
    }
}
