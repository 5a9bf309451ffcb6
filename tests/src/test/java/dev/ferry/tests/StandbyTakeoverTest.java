package dev.ferry.tests;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StandbyTakeoverScenarios} with two {@code ferry broker}s on one data directory. */
class StandbyTakeoverTest extends StandbyTakeoverScenarios {

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    @Override
    FerryHarness harness() {
        return ferry;
    }

    @Override
    BrokerPair startPair(FerryHarness harness) {
        return harness.standbyPair();
    }
}
