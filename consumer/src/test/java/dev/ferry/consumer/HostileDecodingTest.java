package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormatException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever arrives on the queue, the decoder either hands over an event that stays inside the
 * replica, or says in words why the message cannot be one; it never fails any other way.
 */
@AddLifecycleHook(PrintableFailures.class)
class HostileDecodingTest {

    private static final Path ROOT = Path.of("/srv/ferry/dst");

    @Provide
    Arbitrary<WireMessage> messages() {
        return HostileMessages.any();
    }

    @Property(tries = 500)
    void aMessageDecodesToAnEventInsideTheRootOrIsRejectedWithAReason(@ForAll("messages") WireMessage wire)
            throws Exception {
        // The generators must keep reaching both outcomes, or the property proves little.
        Statistics.coverage(coverage -> {
            coverage.check("decoded").percentage(p -> p >= 5);
            coverage.check("rejected").percentage(p -> p >= 50);
        });
        List<ChangeEvent> events;
        try {
            events = EventMessages.decode(wire.received());
        } catch (WireFormatException e) {
            Statistics.collect("rejected");
            assertThat(e.getMessage()).as("the dead-letter reason").isNotBlank();
            return;
        }

        Statistics.collect("decoded");
        assertThat(events).as("the decoded events").isNotEmpty().doesNotContainNull();
        events.forEach(HostileDecodingTest::assertStaysInside);
    }

    private static void assertStaysInside(ChangeEvent event) {
        assertInside(event.path());
        if (event instanceof ChangeEvent.Rename rename) {
            assertInside(rename.from());
        }
        if (event instanceof ChangeEvent.PutSymlink link) {
            Path linkDirectory = link.path().resolveUnder(ROOT).getParent();
            assertThat(linkDirectory.resolve(link.target()).normalize()).as("where the link points")
                    .startsWithRaw(ROOT);
        }
    }

    private static void assertInside(RelPath path) {
        assertThat(path.resolveUnder(ROOT).normalize()).as("where %s lands", path).startsWithRaw(ROOT);
    }
}
