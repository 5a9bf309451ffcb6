package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.wire.WireFormat;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17's proof of store and forward between sites, end to end: broker site-a, where the source
 * and mirror default are, forwards to broker site-b, where mirror offsite is, through a relay that
 * stands for the link between the sites; every broker, producer and consumer a process of its own
 * over TCP, all logging in as one user.
 *
 * <p>The link is cut while the source changes 1,000 times (in bursts, so the backlog batches): the
 * producer goes on publishing at its site, mirror default keeps up, and mirror offsite's messages
 * wait at site-a. Once the link returns they flow, and both mirrors are exact (as {@link
 * TreeSnapshot} and rsync judge them), site-b received each of them once, nothing is
 * dead-lettered, and no mirror's queue at either site holds anything. Repairs cross too: mirror
 * offsite's late-join repair at its first start, and a {@code --repair --drain} after the link
 * returned, are asked at site-b and answered by the producer at site-a.
 *
 * <p>The changes come from a seed, printed first: {@code -Dferry.forwarding.seed=N} replays them.
 */
@Timeout(value = 3, unit = MINUTES)
class ForwardingTest {

    private static final String USER = "ferry-network";
    private static final String PASSWORD = "between-the-sites";
    private static final int CHANGES = 1000;
    /** Changes made between two pauses, so the producer publishes intermediate states, not only the last. */
    private static final int CHANGES_PER_BURST = 50;
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration SYNC = Duration.ofSeconds(60);
    /** The link watch looks every second. */
    private static final Duration LINK_NOTICED = Duration.ofSeconds(15);
    /** Site-a tries the link again after 1 s, doubling up to 10 s. */
    private static final Duration LINK_BACK = Duration.ofSeconds(30);
    private static final Duration SETTLED = Duration.ofSeconds(10);
    private static final String OFFSITE_QUEUE = WireFormat.mirrorQueueOf("offsite", WireFormat.DEFAULT_QUEUE);
    /** A mirror's line in {@code ferry status}: its name, what waits for it, what it dead-lettered. */
    private static final Pattern MIRROR_LINE =
            Pattern.compile("(?m)^mirror (\\S+): (\\d+) waiting, .*, (\\d+) dead-lettered ");
    private static final String REPAIR_ANSWERED = "repair \\S+ of mirror 'offsite': %s events applied";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path office;
    private Path offsite;
    private FlakyRelay link;
    private String siteAUrl;
    private String siteBUrl;
    private FerryProcess siteA;
    private FerryProcess producer;
    private FerryProcess atOffice;
    private FerryProcess away;
    private FerryProcess[] running;

    @Test
    void aMirrorAtTheOtherSiteGetsWhatWasPublishedWhileTheLinkWasCutOnceItReturnsAndTheLocalMirrorNeverWaits()
            throws Exception {
        long seed = Long.getLong("ferry.forwarding.seed", new SecureRandom().nextLong());
        System.out.println("ForwardingTest: seed " + seed + " (replay with -Dferry.forwarding.seed=" + seed + ")");
        boolean rsyncJudges = Rsync.judges(ferry.workspace(), "ForwardingTest");
        source = TestTrees.mixed(ferry.directory("source"));
        TestTrees.manySmallFiles(source.resolve("many/a"), 120);
        TestTrees.manySmallFiles(source.resolve("many/b"), 120);
        office = ferry.directory("mirror-default");
        offsite = ferry.directory("mirror-offsite");
        int portB = FreePorts.next();
        try (FlakyRelay relay = FlakyRelay.start(portB)) {
            link = relay;
            twoSitesLinkedAndBothMirrorsExactAfterTheInitialSync(portB);

            long cut = System.nanoTime();
            long waited = theSourceChangesWhileTheLinkIsCut(seed);
            System.out.printf("ForwardingTest: the link cut for %d s, %d messages for mirror offsite waited at "
                    + "site-a%n", Duration.ofNanos(System.nanoTime() - cut).toSeconds(), waited);

            theLinkReturnsAndTheBacklogFlows();
            assertExact(rsyncJudges, office);
            assertExact(rsyncJudges, offsite);
            assertNothingLostTwiceOrDeadLettered();
            assertARepairAskedAtSiteBIsAnsweredFromSiteA();
        }
    }

    private void twoSitesLinkedAndBothMirrorsExactAfterTheInitialSync(int portB) {
        siteBUrl = "tcp://127.0.0.1:" + portB;
        FerryProcess siteB = broker("site-b", portB);
        int portA = FreePorts.next();
        siteAUrl = "tcp://127.0.0.1:" + portA;
        siteA = broker("site-a", portA, "--forward-to", link.url());
        siteB.waitForOutput("broker listening on", FerryHarness.BROKER_START);
        siteA.waitForOutput("broker listening on", FerryHarness.BROKER_START);
        ferry.useBroker(siteA, siteAUrl);
        siteA.waitForLog(linkLine(": connected to broker site-b"), 1, LINK_BACK);

        producer = ferry.producer(source, login("--mirror", "default", "--mirror", "offsite"));
        atOffice = ferry.consumer(office, login());
        away = offsiteConsumer();
        running = new FerryProcess[] {siteA, siteB, producer, atOffice, away};
        Convergence.await(source, office, SYNC, running);
        Convergence.await(source, offsite, SYNC, running);
        // Its first start asked for a late join at site-b; the producer at site-a answered.
        away.waitForLog(REPAIR_ANSWERED.formatted("\\d+"), 1, SYNC);
    }

    /**
     * Cuts the link, changes the source {@link #CHANGES} times, and checks that site-a went on
     * without site-b. The messages that waited at site-a for mirror offsite.
     */
    private long theSourceChangesWhileTheLinkIsCut(long seed) throws Exception {
        link.breakDown();
        siteA.waitForLog(linkLine(": link down; mirrors' messages wait here until it returns"), 1, LINK_NOTICED);
        RandomChanges changes = new RandomChanges(source, seed);
        for (int i = 1; i <= CHANGES; i++) {
            changes.next();
            if (i % CHANGES_PER_BURST == 0) {
                LockSupport.parkNanos(PAUSE.toNanos());
            }
        }
        System.out.println("ForwardingTest made " + changes.made());

        Convergence.await(source, office, SYNC, running);
        long waiting;
        try (QueueClient atSiteA = QueueClient.connect(siteAUrl, USER, PASSWORD)) {
            waiting = atSiteA.statistics(OFFSITE_QUEUE, SETTLED).size();
        }
        assertThat(waiting).as("mirror offsite's messages waiting at site-a while the link is cut").isPositive();
        assertThat(siteA.logLinesMatching(linkLine(": link back"))).as("%s", siteA.logTail()).isEmpty();
        return waiting;
    }

    private void theLinkReturnsAndTheBacklogFlows() {
        link.heal();
        long healed = System.nanoTime();
        siteA.waitForLog(linkLine(": link back after \\d+ s \\(broker site-b\\)"), 1, LINK_BACK);
        long back = System.nanoTime();
        Convergence.await(source, offsite, SYNC, running);
        System.out.printf("ForwardingTest: the link back %.1f s after it was healed, the backlog applied at site-b "
                + "%.1f s later%n", (back - healed) / 1e9, (System.nanoTime() - back) / 1e9);
    }

    private void assertExact(boolean rsyncJudges, Path mirror) {
        assertThat(TreeSnapshot.of(mirror)).isEqualTo(TreeSnapshot.of(source));
        if (rsyncJudges) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, mirror)).as("what rsync would still do to %s",
                    mirror).isEmpty();
        }
        Staging.awaitEmpty(mirror, SETTLED);
    }

    private void assertNothingLostTwiceOrDeadLettered() throws Exception {
        for (FerryProcess client : List.of(producer, atOffice, away)) {
            assertThat(client.logLinesMatching(FerryLog.LOST_BROKER)).as("%s lost its broker", client).isEmpty();
            assertThat(client.logLinesMatching(FerryLog.DEAD_LETTERED)).as("%s dead-lettered", client).isEmpty();
        }
        assertThat(away.logLinesMatching(FerryLog.MISSED_MESSAGES)).as("holes in mirror offsite's stream").isEmpty();
        // Were the change topic bridged, site-b would copy what it got into its queue of mirror
        // default too (whose consumer is at site-a), where it would wait for good.
        assertNoMirrorWaitsAndNothingDeadLettered(siteAUrl, "default", "offsite");
        assertNoMirrorWaitsAndNothingDeadLettered(siteBUrl, "offsite");
        // The link was cut while nothing was on its way, so no message may come twice, or be missing.
        try (QueueClient atSiteA = QueueClient.connect(siteAUrl, USER, PASSWORD);
             QueueClient atSiteB = QueueClient.connect(siteBUrl, USER, PASSWORD)) {
            assertThat(atSiteB.enqueued(OFFSITE_QUEUE)).as("messages mirror offsite's queue received at site-b, "
                    + "against site-a's").isEqualTo(atSiteA.enqueued(OFFSITE_QUEUE));
        }
    }

    private void assertARepairAskedAtSiteBIsAnsweredFromSiteA() {
        away.close(); // It holds the mirror.
        try (FerryProcess repair = offsiteConsumer("--repair", "--drain")) {
            repair.waitForSuccess(SYNC);
            assertThat(repair.logLinesMatching(REPAIR_ANSWERED.formatted("0"))).as("%s", repair.logTail()).hasSize(1);
        }
    }

    /**
     * Waits, bounded, until {@code ferry status} at {@code brokerUrl} says that no mirror's queue
     * there holds anything (site-a's acknowledgements of what site-b stored may still be on their
     * way), {@code mirrors} among them, and that nothing is dead-lettered.
     */
    private void assertNoMirrorWaitsAndNothingDeadLettered(String brokerUrl, String... mirrors) {
        long deadline = System.nanoTime() + SETTLED.toNanos();
        while (true) {
            FerryProcess status = ferry.start(login("status", "--broker", brokerUrl));
            status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
            List<String> notEmpty = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            Matcher line = MIRROR_LINE.matcher(status.stdout());
            while (line.find()) {
                seen.add(line.group(1));
                assertThat(line.group(3)).as("dead-lettered for mirror %s at %s", line.group(1), brokerUrl)
                        .isEqualTo("0");
                if (!line.group(2).equals("0")) {
                    notEmpty.add(line.group());
                }
            }
            assertThat(seen).as("the mirrors ferry status lists at %s%n%s", brokerUrl, status.stdout())
                    .contains(mirrors);
            if (notEmpty.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("mirror queues at %s still hold messages after %s: %s", brokerUrl, SETTLED, notEmpty);
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    /** {@code ferry broker} named {@code name} on {@code port}, with data of its own, admitting only the test's user. */
    private FerryProcess broker(String name, int port, String... more) {
        List<String> args = new ArrayList<>(List.of("broker", "--broker-name", name,
                "--data", ferry.workspace().resolve(name + "-data").toString(), "--listen", "tcp://127.0.0.1:" + port));
        args.addAll(Arrays.asList(login(more)));
        return ferry.start(args.toArray(String[]::new));
    }

    /** Mirror offsite's consumer, at site-b, with {@code options}. */
    private FerryProcess offsiteConsumer(String... options) {
        List<String> args = new ArrayList<>(List.of("consumer", "--dest", offsite.toString(), "--broker", siteBUrl,
                "--mirror", "offsite"));
        args.addAll(Arrays.asList(options));
        return ferry.start(login(args.toArray(String[]::new)));
    }

    /** A line site-a logs about its link to site-b: {@code what} after "forwarding to URI", as a regular expression. */
    private String linkLine(String what) {
        return "forwarding to " + Pattern.quote(link.url()) + what;
    }

    /** {@code options}, logging in as the test's user, as every process of both sites does. */
    private static String[] login(String... options) {
        List<String> args = new ArrayList<>(Arrays.asList(options));
        args.addAll(List.of("--broker-user", USER, "--broker-password", PASSWORD));
        return args.toArray(String[]::new);
    }
}
