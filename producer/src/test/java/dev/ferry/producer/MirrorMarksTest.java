package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.Seal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.command.ActiveMQDestination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirrors a producer dropped, kept in its state directory until their repair is answered. */
class MirrorMarksTest {

    private static final MirrorMark DROPPED = new MirrorMark(Instant.parse("2025-03-01T12:00:05Z"), 2_200_000_000L,
            2L << 30);

    @TempDir
    Path state;

    @Test
    void aMarkSurvivesARestartUntilTheMirrorsRepairClearsIt() throws IOException {
        MirrorMarks marks = MirrorMarks.load(state);
        assertThat(marks.all()).isEmpty();
        long before = marks.version();

        assertThat(marks.mark("offsite", DROPPED)).isNull();

        assertThat(marks.version()).as("a heartbeat is due").isGreaterThan(before);
        MirrorMarks restarted = MirrorMarks.load(state);
        assertThat(restarted.all()).containsExactly(java.util.Map.entry("offsite", DROPPED));
        assertThat(restarted.unmarked(List.of("default", "offsite", "edge"))).containsExactly("default", "edge");

        assertThat(restarted.repaired("offsite")).isTrue();
        assertThat(restarted.repaired("offsite")).as("once").isFalse();
        assertThat(MirrorMarks.load(state).all()).isEmpty();
    }

    @Test
    void theFileIsSmallVersionedJsonReplacedWhole() throws IOException {
        MirrorMarks.load(state).mark("offsite", DROPPED);

        assertThat(Files.readString(state.resolve(MirrorMarks.FILE))).isEqualTo("{\"version\":1,\"mirrors\":"
                + "{\"offsite\":{\"droppedAt\":1740830405000,\"backlogBytes\":2200000000,\"limitBytes\":2147483648}}}");
        try (var files = Files.list(state)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly(MirrorMarks.FILE);
        }
    }

    @Test
    void marksOfAnotherVersionOrNoMarksAtAllStopTheProducerWithOneLineNamingTheFile() throws IOException {
        Path file = state.resolve(MirrorMarks.FILE);
        Files.writeString(file, "{\"version\":2,\"mirrors\":{}}");
        assertThatThrownBy(() -> MirrorMarks.load(state)).isInstanceOf(IOException.class)
                .hasMessage("cannot read the mirrors needing a repair from " + file + ": it is of version 2 and this "
                        + "Ferry reads version 1 (a newer Ferry wrote it? upgrade this one)");

        Files.write(file, "{\"version\":1,\"mirrors\":{\"a b\":{\"droppedAt\":1}}}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> MirrorMarks.load(state)).hasMessage("cannot read the mirrors needing a repair from "
                + file + ": 'a b' is no mirror name with a mark");

        Files.writeString(file, "garbage");
        assertThatThrownBy(() -> MirrorMarks.load(state)).hasMessageStartingWith("cannot read the mirrors needing a "
                + "repair from " + file + ": not what this producer writes there (").hasNoSuppressedExceptions();
    }

    @Test
    void aMarkThatCannotBeWrittenIsNotKeptInMemoryEither() throws IOException {
        MirrorMarks marks = MirrorMarks.load(state);
        Files.createDirectory(state.resolve(MirrorMarks.FILE + ".tmp")); // where it would be written first

        assertThatThrownBy(() -> marks.mark("offsite", DROPPED)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot write the mirrors needing a repair to " + state.resolve(MirrorMarks.FILE));
        assertThat(marks.isMarked("offsite")).isFalse();
    }

    @Test
    void theSinkDoesNotMakeTheQueueOfAMarkedMirrorItKeepsAndMakesItAgainOnceRepaired() throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("marks-test");
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.start();
        try {
            BrokerEndpoint endpoint = new BrokerEndpoint("vm://marks-test?create=false", null, null);
            MirrorMarks marks = MirrorMarks.load(state);
            marks.mark("offsite", DROPPED);
            List<String> kept = List.of(WireFormat.DEFAULT_MIRROR, "offsite");

            try (JmsChangeSink sink = JmsChangeSink.open(endpoint, "s", kept, marks, Seal.none("s"))) {
                assertThat(queues(broker)).containsExactly(WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, "s"));
                marks.repaired("offsite");
                sink.reconnect();
                assertThat(queues(broker)).containsExactlyInAnyOrder(
                        WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, "s"), WireFormat.mirrorQueueOf("offsite", "s"));
            }
        } finally {
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    /** The mirrors' queues on {@code broker} (the stream's control queue, made too, is none). */
    private static Set<String> queues(BrokerService broker) throws Exception {
        return broker.getBroker().getDestinationMap().keySet().stream().filter(ActiveMQDestination::isQueue)
                .map(ActiveMQDestination::getPhysicalName).filter(name -> !name.equals(WireFormat.controlQueueOf("s")))
                .collect(Collectors.toSet());
    }
}
