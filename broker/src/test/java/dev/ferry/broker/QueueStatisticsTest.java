package dev.ferry.broker;

import static dev.ferry.broker.EmbeddedBrokerTest.endpoint;
import static dev.ferry.broker.EmbeddedBrokerTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.DestinationStatistics;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueStatisticsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path data;
    private EmbeddedBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void reportsWaitingMessagesConsumersAndDeadLetters() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        for (int i = 0; i < 3; i++) {
            send(endpoint, "ferry.stats", "m" + i);
        }
        send(endpoint, WireFormat.deadLetterQueueOf("ferry.stats"), "dead");
        Connection listener = endpoint.connect("test", 0);
        try {
            Session session = listener.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            session.createConsumer(session.createQueue("ferry.stats"));

            QueueStatus status = QueueStatistics.query(endpoint, "ferry.stats", TIMEOUT);

            assertThat(status).usingRecursiveComparison().ignoringFields("waitingBytes")
                    .isEqualTo(new QueueStatus("ferry.stats", 3, 1, 1, 0));
        } finally {
            listener.close();
        }
    }

    @Test
    void countsTheConsumersOfTheDeadLetterQueue() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        send(endpoint, WireFormat.deadLetterQueueOf("ferry.dlq"), "dead");
        Connection listener = endpoint.connect("test", 0);
        try {
            Session session = listener.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(WireFormat.deadLetterQueueOf("ferry.dlq")));

            QueueStatus status = QueueStatistics.query(endpoint, "ferry.dlq", TIMEOUT);

            assertThat(status.deadLetterConsumers()).isEqualTo(1);
            assertThat(status.consumers()).isZero();
        } finally {
            listener.close();
        }
    }

    @Test
    void aQueueThatDoesNotExistYetIsEmptyAndAnswersWithoutWaitingForTheTimeout() throws Exception {
        long started = System.nanoTime();

        QueueStatus status = QueueStatistics.query(endpoint(broker), "ferry.never-used", TIMEOUT);

        assertThat(status).isEqualTo(QueueStatus.absent("ferry.never-used"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.dividedBy(2));
    }

    @Test
    void aMirrorsBacklogInBytesIsItsMessagesTimesTheirAverageSize() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        String office = WireFormat.mirrorQueueOf("office", "ferry.b");
        String small = "x".repeat(1_000);
        String large = "y".repeat(100_000);
        send(endpoint, office, small);
        send(endpoint, office, large);

        QueueStatus status = QueueStatistics.stream(endpoint, "ferry.b", TIMEOUT).mirror("office");

        // A message's size counts its body and about a kilobyte of headers.
        assertThat(status.waitingBytes()).isBetween((long) small.length() + large.length(),
                small.length() + large.length() + 4_000L);
    }

    @Test
    void aRemovedQueueIsGoneWithItsMessagesButNotWhileAConsumerIsAttachedUnlessForced() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        String office = WireFormat.mirrorQueueOf("office", "ferry.r");
        send(endpoint, office, "waiting");
        Connection admin = endpoint.connect("test", 0);
        try {
            QueueRemoval.remove(admin, office, false);
            assertThat(QueueStatistics.stream(endpoint, "ferry.r", TIMEOUT).queueExists("office")).isFalse();
            QueueRemoval.remove(admin, office, false); // not there: nothing to do

            Session session = admin.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(office));
            assertThatThrownBy(() -> QueueRemoval.remove(admin, office, false)).isInstanceOf(JMSException.class)
                    .hasMessageContaining("still has an active subscription");
            assertThat(QueueStatistics.stream(endpoint, "ferry.r", TIMEOUT).mirror("office").consumers()).isOne();

            QueueRemoval.remove(admin, office, true);
            assertThat(QueueStatistics.stream(endpoint, "ferry.r", TIMEOUT).queueExists("office")).isFalse();
        } finally {
            admin.close();
        }
    }

    @Test
    void askingCreatesNoQueue() throws Exception {
        QueueStatistics.query(endpoint(broker), "ferry.asked", TIMEOUT);

        QueueStatus again = QueueStatistics.query(endpoint(broker),
                DestinationStatistics.QUERY_PREFIX + "ferry.asked", TIMEOUT);
        assertThat(again.waiting()).isZero();
    }

    @Test
    void eachMirrorOfAStreamAndTheQueueOfBeforeMirrorsFromOneRoundOfQueries() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        String office = WireFormat.mirrorQueueOf("office", "ferry.s");
        String offsite = WireFormat.mirrorQueueOf("offsite", "ferry.s");
        send(endpoint, office, "1");
        send(endpoint, office, "2");
        send(endpoint, offsite, "3");
        send(endpoint, WireFormat.deadLetterQueueOf(offsite), "dead");
        send(endpoint, WireFormat.deadLetterQueueOf(WireFormat.mirrorQueueOf("gone", "ferry.s")), "dead too");
        send(endpoint, "ferry.s", "left by a producer of before mirrors");
        send(endpoint, WireFormat.mirrorQueueOf("office", "another.stream"), "not this stream's");
        Connection listener = endpoint.connect("test", 0);
        try {
            Session session = listener.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(office + "?consumer.exclusive=true"));

            StreamStatus status = QueueStatistics.stream(endpoint, "ferry.s", TIMEOUT);

            assertThat(status.mirrors().keySet()).containsExactly("gone", "office", "offsite");
            assertThat(status.mirror("office")).usingRecursiveComparison().ignoringFields("waitingBytes")
                    .isEqualTo(new QueueStatus(office, 2, 1, 0, 0));
            assertThat(status.mirror("offsite")).usingRecursiveComparison().ignoringFields("waitingBytes")
                    .isEqualTo(new QueueStatus(offsite, 1, 0, 1, 0));
            assertThat(status.mirror("gone").deadLettered()).isOne();
            assertThat(status.queueExists("gone")).as("only its dead-letter queue is there").isFalse();
            assertThat(status.queueExists("office")).isTrue();
            assertThat(status.legacy()).usingRecursiveComparison().ignoringFields("waitingBytes")
                    .isEqualTo(new QueueStatus("ferry.s", 1, 0, 0, 0));
            assertThat(status.exists("default")).isFalse();
            assertThat(status.mirror("default"))
                    .isEqualTo(QueueStatus.absent(WireFormat.mirrorQueueOf("default", "ferry.s")));
            assertThat(status.waitingFor("default")).as("mirror default takes the old queue's backlog too").isOne();
            assertThat(status.waitingFor("office")).isEqualTo(2);
        } finally {
            listener.close();
        }
    }
}
