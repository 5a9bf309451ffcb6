package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.EventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Given a replica, when any sequence of changes, valid and hostile mixed, is applied the way the
 * consumer applies it, then every message is applied or dead-lettered with a reason, nothing
 * outside the destination changes, no link inside points out, and the bookkeeping survives.
 */
@AddLifecycleHook(PrintableFailures.class)
class HostileApplyingTest {

    @Provide
    Arbitrary<List<WireMessage>> changes() {
        return HostileMessages.treeChanges(1, 20);
    }

    @Property(tries = 300)
    void applyingAnySequenceStaysInsideTheDestination(@ForAll("changes") List<WireMessage> messages,
                                                      @ForAll @IntRange(min = 1, max = 8) int batch)
            throws Exception {
        Statistics.coverage(coverage -> {
            coverage.check("applied").percentage(p -> p >= 30);
            coverage.check("dead-lettered").percentage(p -> p >= 10);
        });
        try (Sandbox sandbox = Sandbox.create()) {
            try (Replica replica = sandbox.openReplica()) {
                applyInBatches(replica, messages, batch);

                sandbox.assertConfined();
                assertAGoodFileStillApplies(replica);
            }
            try (Replica reopened = sandbox.openReplica()) {
                assertThat(reopened.root()).as("the replica opens again after the attack").isNotNull();
            }
        }
    }

    @Provide
    Arbitrary<List<String>> lookalikes() {
        Arbitrary<String> affixes = Arbitraries.strings().alpha().ofMaxLength(4);
        Arbitrary<String> directories = Arbitraries.of("", "sub/", "caf\u00e9/", "cafe\u0301/");
        return Combinators.combine(directories, affixes, affixes).as((dir, prefix, suffix) -> Stream.of(
                        HostilePaths.E_NFC, HostilePaths.E_NFD, "\u00c9", "E\u0301", "readme", "README", "ReadMe")
                .map(variant -> dir + prefix + variant + suffix).distinct().toList());
    }

    @Property(tries = 30)
    void namesThatDifferOnlyInCaseOrNormalizationAreKeptApart(@ForAll("lookalikes") List<String> names)
            throws Exception {
        try (Sandbox sandbox = Sandbox.create(); Replica replica = sandbox.openReplica()) {
            long seq = 1;
            for (String name : names) {
                Delivery.Outcome outcome = Delivery.deliver(replica, goodFile(name, seq++, name));
                assertThat(outcome.deadLettered()).as("%s dead-lettered: %s", name, outcome.deadLetterReason())
                        .isFalse();
            }

            for (String name : names) {
                assertThat(sandbox.destination().resolve(name)).as(name).hasContent(name);
            }
            Path directory = sandbox.destination().resolve(names.get(0)).getParent();
            try (Stream<Path> entries = Files.list(directory)) {
                assertThat(entries.filter(p -> !p.getFileName().toString().equals(".ferry")).count())
                        .as("distinct entries").isEqualTo(names.size());
            }
            sandbox.assertConfined();
        }
    }

    /** As the consumer does: one transaction per batch, made durable before the next begins. */
    private static void applyInBatches(Replica replica, List<WireMessage> messages, int batch) throws Exception {
        List<Delivery.Outcome> outcomes = new ArrayList<>();
        for (int start = 0; start < messages.size(); start += batch) {
            boolean bodies = false;
            long newest = 0;
            for (WireMessage message : messages.subList(start, Math.min(messages.size(), start + batch))) {
                Delivery.Outcome outcome = Delivery.deliver(replica, message);
                if (outcome.deadLettered()) {
                    assertThat(outcome.deadLetterReason()).as("dead-letter reason of %s", message).isNotBlank();
                }
                outcomes.add(outcome);
                bodies |= !message.text() && message.body().length > 0;
                newest = Math.max(newest, outcome.seenSeq());
            }
            replica.makeDurable(bodies, newest);
        }
        for (Delivery.Outcome outcome : outcomes) {
            Statistics.collect(outcome.deadLettered() ? "dead-lettered" : "applied");
        }
    }

    private static void assertAGoodFileStillApplies(Replica replica) throws Exception {
        assertThat(Delivery.deliver(replica, goodFile("zz-good.txt", Long.MAX_VALUE, "still applies"))
                .deadLettered()).as("the good file is dead-lettered").isFalse();
        assertThat(replica.root().resolve("zz-good.txt")).hasContent("still applies");
    }

    private static WireMessage goodFile(String path, long seq, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return WireMessage.of(EventCodec.toJson(Bodies.putFile(path, seq, content)), bytes);
    }
}
