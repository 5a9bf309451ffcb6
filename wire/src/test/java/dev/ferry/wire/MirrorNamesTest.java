package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MirrorNamesTest {

    @Test
    void aMirrorReadsTheQueueTheVirtualTopicOfItsStreamFeeds() {
        assertThat(WireFormat.changeTopicOf("ferry.changes")).isEqualTo("VirtualTopic.ferry.changes");
        assertThat(WireFormat.mirrorQueueOf("office", "ferry.changes"))
                .isEqualTo("Consumer.office.VirtualTopic.ferry.changes");
        assertThat(WireFormat.deadLetterQueueOf(WireFormat.mirrorQueueOf("office", "ferry.changes")))
                .isEqualTo("DLQ.Consumer.office.VirtualTopic.ferry.changes");
        assertThat(WireFormat.mirrorQueuesOf("ferry.changes")).isEqualTo("Consumer.*.VirtualTopic.ferry.changes");
    }

    @Test
    void theMirrorOfAQueueNameIsFoundAgainOnlyForItsOwnStream() {
        assertThat(WireFormat.mirrorOf("Consumer.off-site_2.VirtualTopic.ferry.changes", "ferry.changes"))
                .isEqualTo("off-site_2");
        assertThat(WireFormat.mirrorOf("Consumer.office.VirtualTopic.ferry.changes", "photos")).isNull();
        assertThat(WireFormat.mirrorOf("Consumer.a.b.VirtualTopic.ferry.changes", "ferry.changes")).isNull();
        assertThat(WireFormat.mirrorOf("DLQ.Consumer.office.VirtualTopic.ferry.changes", "ferry.changes")).isNull();
        assertThat(WireFormat.mirrorOf("ferry.changes", "ferry.changes")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "offsite", "NAS-2", "edge_cache_7", "a",
            "x234567890123456789012345678901234567890123456789012345678901234"})
    void lettersDigitsDashesAndUnderscoresNameAMirror(String name) {
        assertThat(WireFormat.checkMirrorName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "a.b", "all*", "all>", "caf\u00e9", "a/b",
            "x2345678901234567890123456789012345678901234567890123456789012345"})
    void anythingElseIsRefusedWithWhatAMirrorNameMayHold(String name) {
        assertThatThrownBy(() -> WireFormat.mirrorQueueOf(name, "ferry.changes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + name + "' is not a mirror name: use 1 to 64 letters (A-Z, a-z), digits, '-' and '_'");
    }
}
