package dev.ferry.tests;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StandbyTakeoverScenarios} with two instances of the ActiveMQ distribution on one data
 * directory, configured by broker-config/activemq.xml alone: its shared-file-locker makes the
 * second the first's standby, as the README's shared-store set-up describes.
 */
class DistributionStandbyTakeoverTest extends StandbyTakeoverScenarios {

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    @Override
    FerryHarness harness() {
        return ferry;
    }

    @Override
    BrokerPair startPair(FerryHarness harness) {
        return harness.distributionStandbyPair();
    }

    /** The commit in doubt is the client's story, the same against either broker: CI's 25 minutes are tight. */
    @Override
    boolean runsTheCommitInDoubt() {
        return false;
    }
}
