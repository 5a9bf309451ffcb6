package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mirror that stays away does not stall the others: with a small backlog limit, a mirror whose
 * consumer is stopped while the source grows past it is dropped (its queue removed) and marked as
 * needing a repair, while the other mirror keeps flowing; the mark outlives a restart of the
 * producer, which does not make the dropped queue again; and the returning consumer says it needs a
 * repair, asks for it, and is exact once it is answered, which clears the mark. Broker, producer
 * and consumers are separate processes over TCP.
 */
@Timeout(value = 4, unit = MINUTES)
class MirrorBacklogTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration SYNC = Duration.ofSeconds(60);
    /** Two looks of the mirror watch, 3 s apart, and the statistics round of each, with room to spare. */
    private static final Duration DROP = Duration.ofSeconds(45);
    private static final long KIB = 1024;
    private static final String DROPPED = "WARN .*dropped mirror 'offsite' \\(queue Consumer\\.offsite\\.VirtualTopic\\."
            + "ferry\\.changes\\): no consumer, and its backlog of .* passed the limit of 1 MiB";
    private static final String NEEDS_REPAIR = "WARN .*mirror 'offsite' was dropped at \\S+Z after its backlog passed "
            + "1 MiB; it needs a repair";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aMirrorAwayPastTheBacklogLimitIsDroppedAndMarkedWhileTheOtherKeepsFlowing() throws IOException {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), 5);
        Path office = ferry.directory("office").toRealPath();
        Path offsite = ferry.directory("offsite").toRealPath();
        FerryProcess broker = ferry.broker();
        FerryProcess producer = producer(source);
        FerryProcess atOffice = ferry.consumer(office);
        FerryProcess away = ferry.consumer(offsite, "--mirror", "offsite");
        Convergence.await(source, office, SYNC, broker, producer, atOffice, away);
        Convergence.await(source, offsite, SYNC, broker, producer, atOffice, away);

        away.requestStop();
        assertThat(away.waitForExit(QUICK)).isZero();
        writeFiles(source, "while offsite is away", 20, 128 * KIB); // 2.5 MiB: past the limit of 1 MiB
        producer.waitForLog(DROPPED, 1, DROP);
        writeFiles(source, "after the drop", 3, 16 * KIB);

        Convergence.await(source, office, SYNC, broker, producer, atOffice);
        JsonNode dropped = mirror(mirrorList(), "offsite");
        assertThat(dropped.get("state").asText()).isEqualTo("dropped");
        assertThat(dropped.get("queuePresent").asBoolean()).as("its queue is gone").isFalse();
        assertThat(dropped.at("/droppedBy/0/limitBytes").asLong()).isEqualTo(1024 * KIB);
        assertThat(dropped.at("/lastConsumerHeartbeat/state").asText()).isEqualTo("stopped");
        assertThat(mirror(mirrorList(), "default").get("state").asText()).isEqualTo("active");
        assertThat(producerBeat().at("/mirrorsNeedingRepair/offsite/limitBytes").asLong())
                .as("the producer's heartbeat carries the mark").isEqualTo(1024 * KIB);

        producer.requestStop();
        assertThat(producer.waitForExit(QUICK)).isZero();
        FerryProcess restarted = producer(source);
        restarted.waitForLog("mirror 'offsite' needs a repair \\(dropped at .*: its queue is made again only when its "
                + "consumer returns", 1, QUICK);
        writeFiles(source, "after the restart", 2, 16 * KIB);
        Convergence.await(source, office, SYNC, broker, restarted, atOffice);
        assertThat(mirror(mirrorList(), "offsite").get("queuePresent").asBoolean())
                .as("the producer keeps offsite, but does not make its queue while it is marked").isFalse();

        FerryProcess back = ferry.consumer(offsite, "--mirror", "offsite");
        back.waitForLog(NEEDS_REPAIR, 1, QUICK);
        back.waitForLog(FerryLog.CONSUMER_STARTED, 1, QUICK);
        // It asks for its repair by itself, which makes it exact and has the producer clear its mark.
        back.waitForLog("repair \\S+ of mirror 'offsite': \\d+ events applied", 1, SYNC);
        Convergence.await(source, offsite, SYNC, broker, restarted, atOffice, back);
        restarted.waitForLog("mirror 'offsite' was repaired; it no longer needs a repair", 1, QUICK);
        assertThat(mirror(mirrorList(), "offsite").get("queuePresent").asBoolean()).as("its consumer made it again")
                .isTrue();
        // The stopped producer's last beat, which the broker keeps, still names the drop: the later beat wins.
        Awaitility.await("mirror offsite listed as active once repaired").atMost(QUICK)
                .untilAsserted(() -> assertThat(mirror(mirrorList(), "offsite").get("state").asText())
                        .isEqualTo("active"));
        assertThat(back.logLinesMatching(NEEDS_REPAIR)).as("said once").hasSize(1);
        assertThat(back.logLinesMatching("the queue of mirror 'offsite' .* was not on broker"))
                .as("a drop, not a lost queue").isEmpty();
        assertThat(atOffice.isAlive()).isTrue();
    }

    private FerryProcess producer(Path source) {
        FerryProcess producer = ferry.producer(source, "--mirror", "default,offsite", "--mirror-backlog-limit", "1MiB");
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, QUICK);
        return producer;
    }

    private static void writeFiles(Path source, String name, int count, long size) {
        for (int i = 0; i < count; i++) {
            TestTrees.writeRandom(source.resolve(name + "/" + i + ".bin"), size, name.hashCode() * 31L + i);
        }
    }

    private JsonNode mirrorList() throws IOException {
        FerryProcess list = ferry.start("mirror", "list", "--json", "--broker", ferry.brokerUrl());
        list.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        return JsonMapper.builder().build().readTree(list.stdout());
    }

    private static JsonNode mirror(JsonNode list, String name) {
        for (JsonNode mirror : list.get("mirrors")) {
            if (name.equals(mirror.get("name").asText())) {
                return mirror;
            }
        }
        throw new AssertionError("ferry mirror list shows no mirror " + name + ": " + list);
    }

    /** The latest heartbeat of a running producer, as {@code ferry status --json} shows it. */
    private JsonNode producerBeat() throws IOException {
        FerryProcess status = ferry.start("status", "--json", "--broker", ferry.brokerUrl());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        for (JsonNode process : JsonMapper.builder().build().readTree(status.stdout()).get("processes")) {
            if ("producer".equals(process.get("role").asText()) && "running".equals(process.get("state").asText())) {
                return process;
            }
        }
        throw new AssertionError("ferry status shows no running producer: " + status.stdout());
    }
}
