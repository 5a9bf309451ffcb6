package dev.ferry.cli;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerFilter;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.broker.region.Subscription;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.command.SessionInfo;

/**
 * Makes an embedded broker go away at one step of the first client's set-up, the way a broker
 * killed at that moment would: it stops listening, so asking again is refused, and drops the
 * connection without answering the step.
 */
final class DyingBroker implements BrokerPlugin {

    /**
     * A step of a client's set-up, in the order a client takes them: a consumer takes all four (its
     * sender is the dead-letter channel's), a producer all but the receiver.
     */
    enum Step { LOGIN, SESSION, RECEIVER, SENDER }

    private final BrokerService broker;
    private final Step step;
    private final CountDownLatch died = new CountDownLatch(1);

    private DyingBroker(BrokerService broker, Step step) {
        this.broker = broker;
        this.step = step;
    }

    /** Installs the plugin on {@code broker}, which must not be started yet. */
    static DyingBroker at(Step step, BrokerService broker) {
        DyingBroker dying = new DyingBroker(broker, step);
        broker.setPlugins(new BrokerPlugin[] {dying});
        return dying;
    }

    /** Waits until the broker went away. */
    boolean awaitDeath(long seconds) throws InterruptedException {
        return died.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public Broker installPlugin(Broker next) {
        return new BrokerFilter(next) {
            @Override
            public void addConnection(ConnectionContext context, ConnectionInfo info) throws Exception {
                dieAt(Step.LOGIN, context);
                super.addConnection(context, info);
            }

            @Override
            public void addSession(ConnectionContext context, SessionInfo info) throws Exception {
                dieAt(Step.SESSION, context);
                super.addSession(context, info);
            }

            @Override
            public Subscription addConsumer(ConnectionContext context, ConsumerInfo info) throws Exception {
                dieAt(Step.RECEIVER, context);
                return super.addConsumer(context, info);
            }

            @Override
            public void addProducer(ConnectionContext context, ProducerInfo info) throws Exception {
                dieAt(Step.SENDER, context);
                super.addProducer(context, info);
            }
        };
    }

    private void dieAt(Step now, ConnectionContext context) throws Exception {
        if (now != step || died.getCount() == 0) {
            return;
        }
        // Stopping the whole broker from here would wait for this very thread; closing the
        // listener and dropping the connection is what the client sees of a killed broker.
        broker.getTransportConnectors().get(0).getServer().stop();
        context.getConnection().serviceExceptionAsync(new IOException("the broker died at " + step));
        died.countDown();
        Thread.sleep(500); // Long enough for the drop to win over the answer.
        throw new IOException("the broker died at " + step);
    }
}
