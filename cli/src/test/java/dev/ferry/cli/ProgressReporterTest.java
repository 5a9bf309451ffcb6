package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.consumer.ApplySummary;
import dev.ferry.monitor.ConsumerTally;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Given output that is no terminal, when a sync runs, then a line comes every 5 s and nothing in between. */
class ProgressReporterTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aLineEveryFiveSecondsWithCountsRateAndTimeLeft() {
        MovingClock clock = new MovingClock();
        AtomicLong files = new AtomicLong();
        List<String> lines = new ArrayList<>();
        ProgressSource sync = elapsed -> new Progress("synced", "files", files.get(), 10_000, files.get() * 4096,
                10_000 * 4096L, elapsed);
        ProgressReporter reporter = new ProgressReporter(new ProgressLines(lines::add), sync, clock, last -> { });

        for (int second = 1; second <= 11; second++) {
            clock.advance(Duration.ofSeconds(1));
            files.addAndGet(800);
            reporter.tick();
        }
        reporter.finish();

        assertThat(lines).containsExactly(
                "synced 4000/10000 files, 15.6/39.1 MiB, 800 files/s, ETA 7 s",
                "synced 8000/10000 files, 31.3/39.1 MiB, 800 files/s, ETA 2 s");
    }

    @Test
    void beforeTheTotalIsKnownTheLineSaysWhatIsDoneSoFar() {
        assertThat(ProgressLine.of(new Progress("applied", "messages", 120, -1, 3 * MIB, -1, Duration.ofSeconds(4))))
                .isEqualTo("applied 120 messages, 3.0 MiB, 30 messages/s");
        assertThat(ProgressLine.of(new Progress("applied", "messages", 3, 12, 300, -1, Duration.ofSeconds(2))))
                .isEqualTo("applied 3/12 messages, 300 bytes, 1.5 messages/s, ETA 6 s");
    }

    @Test
    void aSourceThatIsDoneByItselfEndsTheReportOnceAndSaysSo() {
        MovingClock clock = new MovingClock();
        AtomicBoolean caughtUp = new AtomicBoolean();
        List<String> lines = new ArrayList<>();
        List<Progress> finished = new ArrayList<>();
        ProgressSource initialSync = new ProgressSource() {
            @Override
            public Progress at(Duration elapsed) {
                return new Progress("synced", "files", 5, 5, 50, 50, elapsed);
            }

            @Override
            public boolean finished() {
                return caughtUp.get();
            }
        };
        ProgressReporter reporter = new ProgressReporter(new ProgressLines(lines::add), initialSync, clock,
                finished::add);

        clock.advance(Duration.ofSeconds(3));
        reporter.tick();
        caughtUp.set(true);
        reporter.tick();
        clock.advance(Duration.ofSeconds(30));
        reporter.tick();
        reporter.finish();

        assertThat(lines).isEmpty();
        assertThat(finished).singleElement().extracting(Progress::elapsed).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theSummaryLineSaysFilesBytesDurationAndRate() {
        assertThat(Summaries.of(new dev.ferry.producer.PublishSummary(12, 10, 40 * MIB, 12 * MIB,
                Duration.ofSeconds(5))))
                .isEqualTo("published 12 events (10 files, 40.0 MiB of files, 12.0 MiB sent) in 5.0 s "
                        + "(2.0 files/s, 8.0 MiB/s)");
    }

    /** 1,000 small files and their directory travel in 5 messages (bundles of up to 256 files): issue 13's drain. */
    @Test
    void theDrainSummaryCountsEventsAndTheMessagesThatCarriedThemApart() {
        ConsumerTally.Snapshot tally = new ConsumerTally.Snapshot(5, 1001, 1000, 4000, 0, null, Duration.ZERO, 4000);

        assertThat(Summaries.of(new ApplySummary(5, 1001, 0, Duration.ofSeconds(2)), tally))
                .isEqualTo("applied 1001 events from 5 messages (1000 files, 3.9 KiB of files, 3.9 KiB received), "
                        + "0 dead-lettered, in 2.0 s"
                        + " (500 files/s, 2.0 KiB/s)");
        assertThat(Summaries.of(tally, Duration.ofSeconds(2))).startsWith("applied 1001 events from 5 messages ");
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
