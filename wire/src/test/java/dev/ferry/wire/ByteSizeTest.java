package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    private static final long KIB = 1024;
    private static final long GIB = KIB * KIB * KIB;

    @ParameterizedTest
    @CsvSource({
            "1048576, 1048576",
            "2GiB, 2147483648",
            "2 GiB, 2147483648",
            "2gib, 2147483648",
            "2G, 2147483648",
            "2Gi, 2147483648",
            "500MB, 500000000",
            "500 mb, 500000000",
            "1.5KiB, 1536",
            "1kB, 1000",
            "1 TiB, 1099511627776",
            "7B, 7",
            "' 64 KiB ', 65536"})
    void readsBytesAndUnitsBinaryWithAnIAndDecimalWithout(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GiB", "two GiB", "-1GiB", "2 PiB", "2iB", "2 GiBs", "1e3"})
    void refusesWhatIsNoSizeSayingHowToWriteOne(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a size: write bytes, or a number and a unit such as 500MB or 2GiB "
                        + "(KiB, MiB, GiB, TiB count in 1024s, kB, MB, GB, TB in 1000s)");
    }

    @Test
    void refusesMoreThanALongHolds() {
        assertThatThrownBy(() -> ByteSize.parse("9000000 TiB")).hasMessage("'9000000 TiB' is more bytes than Ferry can count");
    }

    @Test
    void printsWholeUnitsWithoutDecimalsAndOthersWithOne() {
        assertThat(ByteSize.format(0)).isEqualTo("0 bytes");
        assertThat(ByteSize.format(1)).isEqualTo("1 byte");
        assertThat(ByteSize.format(1023)).isEqualTo("1023 bytes");
        assertThat(ByteSize.format(KIB)).isEqualTo("1 KiB");
        assertThat(ByteSize.format(1536 * KIB)).isEqualTo("1.5 MiB");
        assertThat(ByteSize.format(2 * GIB)).isEqualTo("2 GiB");
        assertThat(ByteSize.format(2 * GIB + 1)).as("a little more is not the same").isEqualTo("2.0 GiB");
        assertThat(ByteSize.format(3 * KIB * GIB)).isEqualTo("3 TiB");
        assertThat(ByteSize.format(ByteSize.parse(ByteSize.format(6 * GIB)))).isEqualTo("6 GiB");
    }
}
