package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataDirectoryTest {

    @Test
    void xdgDataHomeWins() {
        assertThat(DataDirectory.resolve(Map.of("XDG_DATA_HOME", "/xdg"), "/home/ann"))
                .isEqualTo(Path.of("/xdg/ferry"));
    }

    @Test
    void withoutXdgDataHomeItIsUnderTheHomeDirectory() {
        assertThat(DataDirectory.resolve(Map.of(), "/home/ann")).isEqualTo(Path.of("/home/ann/.local/share/ferry"));
        assertThat(DataDirectory.resolve(Map.of("XDG_DATA_HOME", ""), "/home/ann"))
                .isEqualTo(Path.of("/home/ann/.local/share/ferry"));
    }

    @Test
    void aRelativeXdgDataHomeIsIgnoredSoTheCurrentDirectoryIsNeverUsed() {
        assertThat(DataDirectory.resolve(Map.of("XDG_DATA_HOME", "data"), "/home/ann"))
                .isEqualTo(Path.of("/home/ann/.local/share/ferry"));
        assertThatThrownBy(() -> DataDirectory.resolve(Map.of("XDG_DATA_HOME", "data"), "?"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--data");
    }

    @Test
    void theProducerStateIsKeyedBySourceAndQueue() {
        Path data = Path.of("/data");
        Path state = DataDirectory.producerState(data, Path.of("/src/photos"), "ferry.changes");
        assertThat(state.getParent()).isEqualTo(Path.of("/data/producer"));
        assertThat(state.getFileName().toString()).matches("[0-9a-f]{16}");
        assertThat(DataDirectory.producerState(data, Path.of("/src/./photos"), "ferry.changes")).isEqualTo(state);
        assertThat(DataDirectory.producerState(data, Path.of("/src/photos"), "other")).isNotEqualTo(state);
        assertThat(DataDirectory.producerState(data, Path.of("/src/music"), "ferry.changes")).isNotEqualTo(state);
    }

    @Test
    void theProducerKeyIsTheStartOfTheSha256OfSourceAndQueue() {
        // sha256("/src/photosferry.changes"), computed independently: printf '%s' ... | sha256sum
        assertThat(DataDirectory.producerKey(Path.of("/src/photos"), "ferry.changes"))
                .isEqualTo(EXPECTED_KEY);
    }

    private static final String EXPECTED_KEY = "a0535c0473c3667c";
}
