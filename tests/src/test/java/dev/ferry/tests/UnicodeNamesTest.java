package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.ParameterResolutionContext;
import net.jqwik.api.lifecycle.PerProperty;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ResolveParameterHook.ParameterSupplier;

/**
 * Issue 13: whatever a file is called, its name reaches the mirror byte for byte, through a
 * producer, a consumer and a broker that are separate processes talking over TCP (where a name
 * is marshalled; an in-JVM broker hides what the wire does to it). Names come from the whole
 * Unicode range ({@link UnicodeNames}), in every kind of message ({@link NameBatch}), with the
 * embedded broker ({@code ferry broker}) and with the ActiveMQ distribution.
 *
 * <p>Each try gets a directory of its own in a source that a producer watches all along; the
 * mirror's listing must equal the source's as raw bytes ({@link RawListing}) once it has arrived,
 * and again after a rename. jqwik prints the seed of each run ({@code @Property(seed = "...")}
 * replays it); a failure is shrunk to the fewest, plainest names that still fail, and the next run
 * tries that sample first (target/jqwik-database).
 */
class UnicodeNamesTest {

    /** 20 to 30 s of tries (one takes 0.3 to 0.5 s on two busy cores once issue 13 is fixed), beside 5 to 10 s of start-up. */
    private static final int TRIES = 60;

    @Provide
    Arbitrary<NameBatch> batches() {
        return NameBatch.batches();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    @PerProperty(OnFerryBroker.class)
    void namesArriveByteForByteThroughFerrysOwnBroker(@ForAll("batches") NameBatch batch, NamesMirror mirror) {
        replicate(batch, mirror);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    @PerProperty(OnDistributionBroker.class)
    void namesArriveByteForByteThroughTheActiveMqDistribution(@ForAll("batches") NameBatch batch,
                                                              NamesMirror mirror) {
        replicate(batch, mirror);
    }

    /**
     * Given a directory of generated names, when it appears in the source, then the mirror holds the
     * same names as bytes; and when one of them is renamed, then the mirror has the new name.
     */
    private static void replicate(NameBatch batch, NamesMirror mirror) {
        Path staged = batch.writeInto(mirror.nextTry());
        String tryName = staged.getFileName().toString();
        RawListing written = RawListing.of(staged);
        assertThat(written).as("what the test JVM wrote (its file names are encoded as %s; "
                        + "it needs LC_ALL=C.UTF-8)", System.getProperty("sun.jnu.encoding"))
                .isEqualTo(RawListing.expected(staged, batch.entries(batch.renamed())));

        mirror.publish(staged, batch.paths());
        assertSameNames(mirror, tryName, "once the directory arrived");

        mirror.rename(tryName, batch.renamed(), batch.renamedTo());
        assertSameNames(mirror, tryName, "after the rename of " + UnicodeNames.printable(batch.renamed()));
    }

    private static void assertSameNames(NamesMirror mirror, String tryName, String when) {
        RawListing source = mirror.sourceOf(tryName);
        RawListing replica = mirror.mirrorOf(tryName);
        if (!replica.equals(source)) {
            fail("%s: %s%n%s", when, replica.differenceReport(source), mirror.state());
        }
    }

    /**
     * Starts a workspace, a broker and a {@link NamesMirror} before the property's first try, and
     * passes the mirror to every try; after the last, stops them all and deletes the workspace,
     * which a failure keeps (with its logs).
     */
    abstract static class Pipeline implements PerProperty.Lifecycle {

        private final FerryHarness ferry = new FerryHarness();
        private String name;
        private NamesMirror mirror;

        /** Starts the property's broker on {@code ferry} and returns its process. */
        abstract FerryProcess startBroker(FerryHarness ferry);

        @Override
        public void before(PropertyLifecycleContext context) {
            name = context.containerClass().getSimpleName() + "." + context.targetMethod().getName();
            try {
                ferry.open(name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a workspace for " + name, e);
            }
            try {
                mirror = NamesMirror.start(ferry, startBroker(ferry));
            } catch (RuntimeException | AssertionError e) {
                ferry.close(name, true);
                throw e;
            }
        }

        @Override
        public Optional<ParameterSupplier> resolve(ParameterResolutionContext parameter) {
            if (!parameter.typeUsage().isOfType(NamesMirror.class)) {
                return Optional.empty();
            }
            return Optional.of(aTry -> mirror);
        }

        @Override
        public void after(PropertyExecutionResult result) {
            if (mirror == null) {
                return; // before() failed, and closed the workspace itself.
            }
            try {
                mirror.close();
            } catch (Exception e) {
                System.err.println("cannot close the queue client of " + name + ": " + e);
            }
            ferry.close(name, result.status() != PropertyExecutionResult.Status.SUCCESSFUL);
        }
    }

    static final class OnFerryBroker extends Pipeline {
        @Override
        FerryProcess startBroker(FerryHarness ferry) {
            return ferry.broker();
        }
    }

    static final class OnDistributionBroker extends Pipeline {
        @Override
        FerryProcess startBroker(FerryHarness ferry) {
            DistributionBroker activemq = DistributionBroker.in(ferry.workspace());
            FerryProcess broker = activemq.start();
            ferry.useBroker(broker, activemq.url());
            return broker;
        }
    }
}
