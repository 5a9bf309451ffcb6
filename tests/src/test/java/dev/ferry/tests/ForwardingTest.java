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
import java.util.Map;
import java.util.UUID;
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
 * returned, are asked at site-b and answered by the producer at site-a. {@code ferry status} at
 * site-a says, while the link is cut, that mirror offsite is consumed at site-b and its messages
 * there wait to be forwarded over a link down, and once the link is back and the backlog applied,
 * that none waits, over a link up: from the heartbeats that crossed before the cut, and ActiveMQ's
 * advisory of network bridges.
 *
 * <p>The same story runs with site-a the standalone ActiveMQ distribution, configured by {@code
 * broker-config/activemq-forward.xml} alone (issue 17: the distribution for one broker of the pair),
 * over 500 changes and without the second repair, for CI's time.
 *
 * <p>The changes come from a seed, printed first: {@code -Dferry.forwarding.seed=N} replays them.
 */
@Timeout(value = 3, unit = MINUTES)
class ForwardingTest {

    private static final String USER = "ferry-network";
    private static final String PASSWORD = "between-the-sites";
    /** The user activemq-forward.xml's link logs in as at both ends, so site-b's broker admits it. */
    private static final String ADMIN = "ferry-admin";
    private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    private static final int CHANGES = 1000;
    /** Fewer with the distribution, to keep within CI's time: its story is the same. */
    private static final int CHANGES_WITH_THE_DISTRIBUTION = 500;
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
    /** Mirror offsite's line at site-a: what waits there to be forwarded to site-b, and over which link. */
    private static final Pattern OFFSITE_FORWARDED = Pattern.compile("(?m)^mirror offsite: (\\d+) waiting, .*"
            + "; consumed at broker site-b: (\\d+) waiting to be forwarded, link (up|down)$");
    private static final String REPAIR_ANSWERED = "repair \\S+ of mirror 'offsite': %s events applied";
    /** What the ActiveMQ distribution says (on stdout) each time its link is up: site-b named itself. */
    private static final String DISTRIBUTION_LINK_UP =
            "Network connection between \\S+ and \\S+ \\(site-b\\) has been established";
    /** What it says when it found the link cut. */
    private static final String DISTRIBUTION_LINK_DOWN = "Network connection between \\S+ and \\S+ shutdown due to a "
            + "(remote|local) error";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path office;
    private Path offsite;
    /** Who logs in at site-b, and who the test logs in as to look at either site. */
    private String user = USER;
    private String password = PASSWORD;
    private FlakyRelay link;
    private String siteBUrl;
    private SiteA siteA;
    private FerryProcess producer;
    private FerryProcess atOffice;
    private FerryProcess away;
    private FerryProcess[] running;

    @Test
    void aMirrorAtTheOtherSiteGetsWhatWasPublishedWhileTheLinkWasCutOnceItReturnsAndTheLocalMirrorNeverWaits()
            throws Exception {
        long seed = seed();
        boolean rsyncJudges = Rsync.judges(ferry.workspace(), "ForwardingTest");
        aSourceOfAFewHundredFilesAndTwoEmptyMirrors();
        int portB = FreePorts.next();
        try (FlakyRelay relay = FlakyRelay.start(portB)) {
            link = relay;
            FerryProcess siteB = siteB(portB);
            int portA = FreePorts.next();
            FerryProcess broker = broker("site-a", portA, "--forward-to", link.url());
            siteB.waitForOutput("broker listening on", FerryHarness.BROKER_START);
            broker.waitForOutput("broker listening on", FerryHarness.BROKER_START);
            siteA = SiteA.ferryBroker(broker, "tcp://127.0.0.1:" + portA, link);
            bothMirrorsExactAfterTheInitialSync(siteB, login(), login());

            theSourceChangesWhileTheLinkIsCut(seed, CHANGES);
            theLinkReturnsAndTheBacklogFlows();
            assertExact(rsyncJudges, office);
            assertExact(rsyncJudges, offsite);
            assertNothingLostTwiceOrDeadLettered();
            assertARepairAskedAtSiteBIsAnsweredFromSiteA();
        }
    }

    /**
     * The same with site-a the ActiveMQ distribution, configured by broker-config/activemq-forward.xml
     * alone: its link logs in as ferry-admin at both ends (the admin of site-b's ferry broker here),
     * and at site-a the producer and mirror default's consumer log in as the configuration's users
     * of their roles, with only their rights. ActiveMQ's own log lines tell the link's state.
     */
    @Test
    void theSameWithTheActiveMQDistributionAtSiteAConfiguredByActivemqForwardXml() throws Exception {
        long seed = seed();
        boolean rsyncJudges = Rsync.judges(ferry.workspace(), "ForwardingTest");
        aSourceOfAFewHundredFilesAndTwoEmptyMirrors();
        user = ADMIN;
        password = ADMIN_PASSWORD;
        int portB = FreePorts.next();
        try (FlakyRelay relay = FlakyRelay.start(portB)) {
            link = relay;
            FerryProcess siteB = siteB(portB);
            // Every client logs in at site-a too: no anonymous admin.
            DistributionBroker activemq = DistributionBroker.in(ferry.workspace(), "activemq-forward.xml",
                    Map.of("ferry.forward.uri", link.url(), "ferry.broker.name", "site-a",
                            "ferry.admin.password", ADMIN_PASSWORD, "ferry.allow.anonymous", "false"));
            siteB.waitForOutput("broker listening on", FerryHarness.BROKER_START);
            siteA = SiteA.distribution(activemq.start(), activemq.url());
            bothMirrorsExactAfterTheInitialSync(siteB,
                    as(DistributionBroker.PRODUCER, DistributionBroker.PRODUCER_PASSWORD),
                    as(DistributionBroker.CONSUMER, DistributionBroker.CONSUMER_PASSWORD));

            theSourceChangesWhileTheLinkIsCut(seed, CHANGES_WITH_THE_DISTRIBUTION);
            theLinkReturnsAndTheBacklogFlows();
            assertExact(rsyncJudges, office);
            assertExact(rsyncJudges, offsite);
            assertNothingLostTwiceOrDeadLettered();
        }
    }

    private static long seed() {
        long seed = Long.getLong("ferry.forwarding.seed", new SecureRandom().nextLong());
        System.out.println("ForwardingTest: seed " + seed + " (replay with -Dferry.forwarding.seed=" + seed + ")");
        return seed;
    }

    private void aSourceOfAFewHundredFilesAndTwoEmptyMirrors() {
        source = TestTrees.mixed(ferry.directory("source"));
        TestTrees.manySmallFiles(source.resolve("many/a"), 120);
        TestTrees.manySmallFiles(source.resolve("many/b"), 120);
        office = ferry.directory("mirror-default");
        offsite = ferry.directory("mirror-offsite");
    }

    /**
     * Once site-a's link is up: the producer at site-a with {@code producerLogin}, mirror default's
     * consumer there with {@code officeLogin}, mirror offsite's at site-b; both mirrors exact.
     */
    private void bothMirrorsExactAfterTheInitialSync(FerryProcess siteB, String[] producerLogin, String[] officeLogin) {
        ferry.useBroker(siteA.process(), siteA.url());
        siteA.awaitLinkLine(siteA.linkUp(), 1, LINK_BACK);

        producer = ferry.producer(source, with(producerLogin, "--mirror", "default", "--mirror", "offsite"));
        atOffice = ferry.consumer(office, officeLogin);
        away = offsiteConsumer();
        running = new FerryProcess[] {siteA.process(), siteB, producer, atOffice, away};
        Convergence.await(source, office, SYNC, running);
        Convergence.await(source, offsite, SYNC, running);
        // Its first start asked for a late join at site-b; the producer at site-a answered.
        away.waitForLog(REPAIR_ANSWERED.formatted("\\d+"), 1, SYNC);
    }

    /**
     * Cuts the link, changes the source {@code count} times, and checks that site-a went on
     * without site-b: mirror default kept up, and mirror offsite's messages waited at site-a.
     */
    private void theSourceChangesWhileTheLinkIsCut(long seed, int count) throws Exception {
        long cut = System.nanoTime();
        int upBefore = siteA.linkLines(siteA.linkBack()).size();
        int downBefore = siteA.linkLines(siteA.linkDown()).size();
        link.breakDown();
        siteA.awaitLinkLine(siteA.linkDown(), downBefore + 1, LINK_NOTICED);
        RandomChanges changes = new RandomChanges(source, seed);
        changes.inBursts(count, CHANGES_PER_BURST, PAUSE);
        System.out.println("ForwardingTest made " + changes.made());

        Convergence.await(source, office, SYNC, running);
        long waiting;
        try (QueueClient atSiteA = QueueClient.connect(siteA.url(), user, password)) {
            waiting = atSiteA.statistics(OFFSITE_QUEUE, SETTLED).size();
        }
        assertThat(waiting).as("mirror offsite's messages waiting at site-a while the link is cut").isPositive();
        assertThat(siteA.linkLines(siteA.linkBack())).as("%s", siteA.process().logTail()).hasSize(upBefore);
        // Site-a knows from the heartbeats that crossed before the cut where mirror offsite is consumed.
        Matcher offsiteLine = offsiteForwardedAtSiteA(false, "the link cut");
        assertThat(Long.parseLong(offsiteLine.group(2))).as("%s", offsiteLine.group())
                .isPositive().isEqualTo(Long.parseLong(offsiteLine.group(1)));
        System.out.printf("ForwardingTest: the link cut for %d s, %d messages for mirror offsite waited at site-a%n",
                Duration.ofNanos(System.nanoTime() - cut).toSeconds(), waiting);
    }

    private void theLinkReturnsAndTheBacklogFlows() {
        int upBefore = siteA.linkLines(siteA.linkBack()).size();
        link.heal();
        long healed = System.nanoTime();
        siteA.awaitLinkLine(siteA.linkBack(), upBefore + 1, LINK_BACK);
        long back = System.nanoTime();
        Convergence.await(source, offsite, SYNC, running);
        System.out.printf("ForwardingTest: the link back %.1f s after it was healed, the backlog applied at site-b "
                + "%.1f s later%n", (back - healed) / 1e9, (System.nanoTime() - back) / 1e9);
        offsiteForwardedAtSiteA(true, "the link back");
    }

    /**
     * Waits, bounded, until {@code ferry status} at site-a says that mirror offsite is consumed at
     * site-b, over a link up or down as {@code linkUp} says, and, with the link up, that nothing
     * waits to be forwarded (site-a's acknowledgements of what site-b stored may still be on their
     * way); prints what it said.
     *
     * @return the match of mirror offsite's line: what waits, and what waits to be forwarded
     */
    private Matcher offsiteForwardedAtSiteA(boolean linkUp, String when) {
        long deadline = System.nanoTime() + SETTLED.toNanos();
        while (true) {
            FerryProcess status = ferry.start(login("status", "--broker", siteA.url()));
            status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
            Matcher line = OFFSITE_FORWARDED.matcher(status.stdout());
            if (line.find() && line.group(3).equals(linkUp ? "up" : "down")
                    && (!linkUp || line.group(2).equals("0"))) {
                System.out.println("ForwardingTest: ferry status at site-a, " + when + ":");
                System.out.print(status.stdout());
                return line;
            }
            if (System.nanoTime() > deadline) {
                fail("ferry status at site-a, %s, does not say that mirror offsite is consumed at site-b with the link "
                        + "%s%s:%n%s", when, linkUp ? "up" : "down", linkUp ? " and nothing waiting" : "",
                        status.stdout());
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
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
        assertNoMirrorWaitsAndNothingDeadLettered(siteA.url(), "default", "offsite");
        assertNoMirrorWaitsAndNothingDeadLettered(siteBUrl, "offsite");
        // The link was cut while nothing was on its way, so no message may come twice, or be missing.
        try (QueueClient atSiteA = QueueClient.connect(siteA.url(), user, password);
             QueueClient atSiteB = QueueClient.connect(siteBUrl, user, password)) {
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

    /** Site-b: a {@code ferry broker} on {@code port}. */
    private FerryProcess siteB(int port) {
        siteBUrl = "tcp://127.0.0.1:" + port;
        return broker("site-b", port);
    }

    /** {@code ferry broker} named {@code name} on {@code port}, with data of its own, admitting only {@link #user}. */
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

    /** {@code options}, logging in as {@link #user}: every process of both sites but the distribution's clients. */
    private String[] login(String... options) {
        return with(as(user, password), options);
    }

    private static String[] as(String user, String password) {
        return new String[] {"--broker-user", user, "--broker-password", password};
    }

    private static String[] with(String[] login, String... options) {
        List<String> args = new ArrayList<>(Arrays.asList(options));
        args.addAll(Arrays.asList(login));
        return args.toArray(String[]::new);
    }

    /**
     * Site-a's broker, and what it logs about its link to site-b, as regular expressions: when it
     * is first up, when it found it cut, and when it is back.
     *
     * @param stdout whether it logs on stdout (the ActiveMQ distribution) rather than stderr (a ferry command)
     */
    private record SiteA(FerryProcess process, String url, boolean stdout, String linkUp, String linkDown,
                         String linkBack) {

        /** A {@code ferry broker} forwarding through {@code link}, in its own words. */
        static SiteA ferryBroker(FerryProcess process, String url, FlakyRelay link) {
            String forwarding = "forwarding to " + Pattern.quote(link.url());
            return new SiteA(process, url, false, forwarding + ": connected to broker site-b",
                    forwarding + ": link down; mirrors' messages wait here until it returns",
                    forwarding + ": link back after \\d+ s \\(broker site-b\\)");
        }

        /** The ActiveMQ distribution, in ActiveMQ's words, which are the same when the link is up and back. */
        static SiteA distribution(FerryProcess process, String url) {
            return new SiteA(process, url, true, DISTRIBUTION_LINK_UP, DISTRIBUTION_LINK_DOWN, DISTRIBUTION_LINK_UP);
        }

        List<String> linkLines(String regex) {
            return stdout ? process.outputLinesMatching(regex) : process.logLinesMatching(regex);
        }

        /** Waits until at least {@code count} lines match {@code regex}. */
        void awaitLinkLine(String regex, int count, Duration timeout) {
            if (stdout) {
                process.waitForOutput(regex, count, timeout);
            } else {
                process.waitForLog(regex, count, timeout);
            }
        }
    }
}
