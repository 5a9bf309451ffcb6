package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The story every broker must tell: one producer keeping the queues of mirrors default and offsite,
 * a consumer applying each to a destination of its own; offsite's consumer is killed, the source
 * changes 500 times (creates, rewrites, appends, truncations, deletes and renames of files and
 * directories, a few large files), mirror default follows, and offsite's queue keeps what it
 * misses; once offsite's consumer runs again, both mirrors are exact.
 *
 * <p>Each side may log in as a user of its own, to run it under a broker's authorization.
 */
final class TwoMirrors {

    static final int CHANGES = 500;
    /** Changes made between two pauses, so the producer publishes intermediate states, not only the last. */
    private static final int CHANGES_PER_BURST = 25;
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CONVERGENCE = Duration.ofSeconds(120);
    private static final Pattern OFFSITE_WAITING =
            Pattern.compile("(?m)^mirror offsite: (\\d+) waiting, 0 consumers, ");

    /** The options each side logs in with: empty for anonymous. */
    record Logins(List<String> producer, List<String> defaultConsumer, List<String> offsiteConsumer) {
        static Logins anonymous() {
            return new Logins(List.of(), List.of(), List.of());
        }

        static List<String> as(String user, String password) {
            return List.of("--broker-user", user, "--broker-password", password);
        }
    }

    private TwoMirrors() {
    }

    /** Tells the story on {@code ferry}'s broker; {@code seed} chooses the changes. */
    static void oneAwayWhileTheSourceChanges(FerryHarness ferry, Logins logins, long seed) {
        System.out.println("TwoMirrors seed " + seed);
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path office = ferry.directory("mirror-default");
        Path offsite = ferry.directory("mirror-offsite");
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source, with(logins.producer(), "--mirror", "default,offsite"));
        FerryProcess atOffice = ferry.consumer(office, with(logins.defaultConsumer()));
        FerryProcess away = ferry.consumer(offsite, with(logins.offsiteConsumer(), "--mirror", "offsite"));
        Convergence.await(source, office, CONVERGENCE, broker, producer, atOffice, away);
        Convergence.await(source, offsite, CONVERGENCE, broker, producer, atOffice, away);

        away.kill();
        RandomChanges changes = new RandomChanges(source, seed);
        changes.inBursts(CHANGES, CHANGES_PER_BURST, PAUSE);
        System.out.println("TwoMirrors made " + changes.made());
        Convergence.await(source, office, CONVERGENCE, broker, producer, atOffice);
        long waiting = offsiteWaiting(ferry);
        assertThat(waiting).as("what offsite's queue kept while its consumer was away").isPositive();

        FerryProcess back = ferry.consumer(offsite, with(logins.offsiteConsumer(), "--mirror", "offsite"));
        back.waitForLog(FerryLog.CONSUMER_STARTED, 1, STARTUP);
        Convergence.await(source, offsite, CONVERGENCE, broker, producer, atOffice, back);
        assertThat(TreeSnapshot.of(office)).as("mirror default, still").isEqualTo(TreeSnapshot.of(source));
        // The late-join repair offsite asked at its first start is answered once the consumer back reaches
        // its question, after the changes made while it was away: it sends again what they already made equal.
        Staging.awaitEmpty(office, CONVERGENCE);
        Staging.awaitEmpty(offsite, CONVERGENCE);
        Convergence.await(source, offsite, CONVERGENCE, broker, producer, atOffice, back); // Still, once they landed.
    }

    /** The messages waiting for mirror offsite, as {@code ferry status} says while its consumer is away. */
    private static long offsiteWaiting(FerryHarness ferry) {
        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        Matcher line = OFFSITE_WAITING.matcher(status.stdout());
        if (!line.find()) {
            fail("ferry status printed no line for mirror offsite without consumers%n%s", status.stdout());
        }
        return Long.parseLong(line.group(1));
    }

    private static String[] with(List<String> login, String... more) {
        List<String> options = new ArrayList<>(login);
        options.addAll(Arrays.asList(more));
        return options.toArray(String[]::new);
    }
}
