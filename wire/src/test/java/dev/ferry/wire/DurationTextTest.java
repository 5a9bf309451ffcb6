package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("10min")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse(" 1h 30min ")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void whatIsNoDurationIsRefusedSayingHowToWriteOne() {
        for (String bad : new String[] {"", "10", "m", "10 parsecs", "10m x", "-5m", "PT", "1.5h"}) {
            assertThatThrownBy(() -> DurationText.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not a duration: write a number and a unit, such as 30s, 10m, 2h, "
                            + "1d or 1h30m (ms, s, m or min, h, d)");
        }
    }

    @Test
    void durationsAreSaidInWords() {
        assertThat(DurationText.format(Duration.ofMinutes(10))).isEqualTo("10 min");
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
        assertThat(DurationText.format(Duration.ofHours(51))).isEqualTo("2 d 3 h");
        assertThat(DurationText.format(Duration.ofSeconds(2))).isEqualTo("2 s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0 s");
    }
}
