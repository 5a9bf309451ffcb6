package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailoverUrlTest {

    @Test
    void aFailoverUrlGetsFerrysDefaultsForWhatItsUserLeftUnset() {
        assertThat(FailoverUrl.withDefaults("failover:(tcp://a:61616,tcp://b:61616)?randomize=false"))
                .isEqualTo("failover:(tcp://a:61616,tcp://b:61616)"
                        + "?randomize=false&startupMaxReconnectAttempts=0&maxReconnectAttempts=0");
    }

    @Test
    void optionsTheUserGaveWinAndEachBrokersOwnOptionsStay() {
        assertThat(FailoverUrl.withDefaults(
                "failover:(ssl://a:61617?socket.verifyHostName=false,tcp://b:61616)?maxReconnectAttempts=5"))
                .isEqualTo("failover:(ssl://a:61617?socket.verifyHostName=false,tcp://b:61616)"
                        + "?maxReconnectAttempts=5&randomize=false&startupMaxReconnectAttempts=0");
    }

    @Test
    void theFormWithoutParenthesesIsUnderstoodToo() {
        assertThat(FailoverUrl.withDefaults("FAILOVER:tcp://a:61616,tcp://b:61616"))
                .isEqualTo("failover:(tcp://a:61616,tcp://b:61616)"
                        + "?randomize=false&startupMaxReconnectAttempts=0&maxReconnectAttempts=0");
    }

    @Test
    void otherUrlsAreLeftAsTheyAre() {
        assertThat(FailoverUrl.withDefaults("tcp://a:61616?wireFormat.maxInactivityDuration=0"))
                .isEqualTo("tcp://a:61616?wireFormat.maxInactivityDuration=0");
        assertThat(FailoverUrl.withDefaults("vm://ferry?create=false")).isEqualTo("vm://ferry?create=false");
        assertThat(FailoverUrl.isFailover("ssl://a:61617")).isFalse();
    }

    @Test
    void aFailoverUrlThatCannotBeParsedSaysWhichInOneLine() {
        assertThatThrownBy(() -> FailoverUrl.withDefaults("failover:(tcp://a:61616"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid failover URL: failover:(tcp://a:61616 (")
                .hasMessageNotContaining("\n");
    }
}
