package dev.ferry.cli;

import dev.ferry.consumer.repair.RepairPolicy;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options that say when a consumer asks its producer for a repair, and how long it waits. */
final class RepairOptions {

    @Option(names = "--repair", fallbackValue = "true",
            description = "Ask the producer for a repair once what waits is applied: DST is compared with the "
                    + "source, and exactly what differs is sent again. With --drain, exit once the repair is "
                    + "applied (exit 1 when no producer answers within --repair-timeout). A new DST, or one that "
                    + "missed messages, asks by itself.")
    boolean atStart;

    @Option(names = "--repair-timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = PositiveDuration.class,
            description = "How long to wait for a sign of the producer while a repair is under way (default: "
                    + "${DEFAULT-VALUE}): then --drain --repair exits 1, a consumer that runs warns and waits on. "
                    + "DURATION: 30s, 10m, 2h, 1d, 1h30m.")
    Duration timeout;

    @Option(names = "--repair-every", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "Ask for a repair again this long after the last one (e.g. 24h), like a periodic full "
                    + "rescan; never two at once.")
    Duration every;

    RepairPolicy policy() {
        return new RepairPolicy(atStart, timeout, every);
    }
}
