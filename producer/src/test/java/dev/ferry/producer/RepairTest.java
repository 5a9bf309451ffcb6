package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.producer.repair.RepairResponder;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.EncryptionKey;
import dev.ferry.wire.seal.Seal;
import dev.ferry.wire.seal.TrustedKeys;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Against a real (embedded) broker, a watching producer answers the repairs of mirrors whose
 * consumer's part a {@link HandMirror} plays: an untouched mirror costs one request and one
 * answer, a tampered one gets exactly the tampered paths back, a request made while the producer
 * was down is answered once it runs, and a change made during a repair is never overwritten.
 */
@Timeout(60)
class RepairTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String CONTROL = WireFormat.controlQueueOf("ferry.changes");

    @TempDir
    Path temp;

    BrokerService broker;
    BrokerEndpoint endpoint;
    SourceFixture tree;
    Producer producer;
    Future<?> watching;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    List<HandMirror> mirrors = new ArrayList<>();
    Logger responderLog = (Logger) LoggerFactory.getLogger(RepairResponder.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = InMemoryBroker.start("repair-test");
        endpoint = new BrokerEndpoint("vm://repair-test?create=false", null, null);
        tree = new SourceFixture(temp);
        logged.start();
        responderLog.addAppender(logged);
    }

    @AfterEach
    void stopAll() throws Exception {
        responderLog.detachAppender(logged);
        for (HandMirror mirror : mirrors) {
            mirror.close();
        }
        if (producer != null) {
            producer.close();
            watching.get(15, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        broker.stop();
        broker.waitUntilStopped();
    }

    @Test
    void anUntouchedMirrorCostsOneRequestAndOneAnswer() throws Exception {
        writeTree();
        HandMirror office = mirror("office");
        startProducer("office");
        awaitEqual(office);
        office.forgetReceived();

        RepairDone done = office.repair(WITHIN);

        assertThat(done.sent()).isZero();
        assertThat(office.received()).hasSize(1);
        assertThat(office.received().get(0).repair()).isEqualTo(done);
        office.drain(Duration.ofMillis(300));
        assertThat(office.received()).as("nothing after the answer").hasSize(1);
    }

    @Test
    void aTamperedMirrorGetsExactlyTheTamperedPathsBack() throws Exception {
        writeTree();
        HandMirror office = mirror("office");
        startProducer("office");
        awaitEqual(office);
        Path dst = office.root;
        FileTime docsTime = Files.getLastModifiedTime(dst.resolve("docs"));
        FileTime edited = Files.getLastModifiedTime(dst.resolve("docs/edit.txt"));
        Files.writeString(dst.resolve("docs/edit.txt"), "EDIT"); // Same size and time, other content.
        Files.setLastModifiedTime(dst.resolve("docs/edit.txt"), edited);
        Files.delete(dst.resolve("docs/gone.txt"));
        Files.writeString(dst.resolve("docs/extra.txt"), "not in the source");
        Files.setLastModifiedTime(dst.resolve("docs"), docsTime);
        Files.setPosixFilePermissions(dst.resolve("a/chmod.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(dst.resolve("a/touch.txt"),
                FileTime.fromMillis(System.currentTimeMillis() + 86_400_000));
        office.forgetReceived();

        RepairDone done = office.repair(WITHIN);

        assertThat(events(office)).containsExactlyInAnyOrder("put docs/edit.txt", "put docs/gone.txt",
                "delete docs/extra.txt", "attributes a/chmod.txt", "attributes a/touch.txt");
        assertThat(done.sent()).isEqualTo(5);
        assertThat(office.received().stream().filter(received -> received.repair() != null).map(received ->
                RepairMessages.kindOf(received.repair()))).containsExactly("RepairDescribe", "RepairDone");
        assertThat(office.equals(tree.source)).isTrue();
    }

    @Test
    void aRequestMadeWhileTheProducerWasDownIsAnsweredOnceItHasComparedTheTree() throws Exception {
        writeTree();
        try (Producer before = Producer.open(tree.settings().withMirrors(List.of("office")), endpoint)) {
            before.publishOnce();
        }
        tree.write("made-while-down.txt", "published by the first comparison after the start");
        // Settled, so the first comparison publishes it rather than waiting for it to be left alone.
        tree.setModified("made-while-down.txt", java.time.Instant.now().minusSeconds(60));
        HandMirror late = mirror("late");
        String id = late.requestRepair();

        startProducer("office");
        RepairMessage describe = late.awaitAnswer(id, WITHIN);
        late.describe((RepairDescribe) describe);
        RepairMessage done = late.awaitAnswer(id, WITHIN);

        assertThat(done).isInstanceOf(RepairDone.class);
        List<String> order = new ArrayList<>();
        late.received().forEach(received -> {
            received.events().forEach(event -> order.add(RecordingSink.describe(event)));
            if (received.repair() != null) {
                order.add(RepairMessages.kindOf(received.repair()));
            }
        });
        assertThat(order.indexOf("put made-while-down.txt")).as("the survey's change comes before the answer")
                .isNotNegative().isLessThan(order.indexOf("RepairDescribe"));
        assertThat(late.equals(tree.source)).isTrue();
    }

    @Test
    void aChangeMadeDuringOrAfterARepairIsNeverOverwrittenByAnOlderState() throws Exception {
        for (int i = 0; i < 300; i++) {
            tree.write("bulk/" + i + ".bin", SourceFixture.bytes(32 * 1024));
        }
        tree.write("hot.txt", "the first version");
        HandMirror office = mirror("office");
        startProducer("office");
        awaitEqual(office); // All published: the late mirror gets everything from its repair.
        HandMirror late = mirror("late");
        String second = "the second version, written while the repair was under way";
        AtomicBoolean written = new AtomicBoolean();
        late.onApplied(event -> {
            if (event.path().text().startsWith("bulk/") && written.compareAndSet(false, true)) {
                tree.write("hot.txt", second);
            }
        });

        late.repair(WITHIN);
        tree.write("bulk/0.bin", "changed once the repair was done");
        await().atMost(WITHIN).until(() -> {
            late.drain(Duration.ofMillis(300));
            return late.equals(tree.source);
        });

        assertThat(Files.readString(late.root.resolve("hot.txt"))).isEqualTo(second);
        List<ChangeEvent.PutFile> hot = late.received().stream().flatMap(received -> received.events().stream())
                .filter(event -> event instanceof ChangeEvent.PutFile put && put.path().text().equals("hot.txt"))
                .map(ChangeEvent.PutFile.class::cast).toList();
        String secondHash = SourceFixture.sha256(second.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long newestSecond = hot.stream().filter(put -> put.sha256().equals(secondHash))
                .mapToLong(ChangeEvent.PutFile::seq).max().orElseThrow();
        assertThat(hot).as("no older version numbered after the newer one")
                .allMatch(put -> put.sha256().equals(secondHash) || put.seq() < newestSecond);
    }

    @Test
    void aBadRequestCostsALogLineAndTheNextOneIsAnswered() throws Exception {
        writeTree();
        HandMirror office = mirror("office");
        startProducer("office");
        awaitEqual(office);
        try (Connection connection = endpoint.connect(null, 10)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer control = session.createProducer(
                    session.createQueue(WireFormat.controlQueueOf("ferry.changes")));
            control.send(session.createTextMessage("hello"));
            BytesMessage elsewhere = RepairMessages.encode(session, new RepairRequest("r-1", "office",
                    Map.of("", new DirectoryDigest("00".repeat(32), 0))));
            elsewhere.setJMSReplyTo(session.createQueue("Consumer.office.VirtualTopic.another.stream"));
            control.send(elsewhere);
            BytesMessage answer = RepairMessages.encode(session, new RepairDone("r-2", 0));
            answer.setJMSReplyTo(session.createQueue(WireFormat.mirrorQueueOf("office", "ferry.changes")));
            control.send(answer);
            BytesMessage another = RepairMessages.encode(session, new RepairRequest("r-3", "office",
                    Map.of("", new DirectoryDigest("00".repeat(32), 0))));
            another.setJMSReplyTo(session.createQueue(WireFormat.mirrorQueueOf("elsewhere", "ferry.changes")));
            control.send(another);
        }

        assertThat(office.repair(WITHIN).sent()).isZero();
        assertThat(warnings()).hasSize(4).allMatch(line -> line.startsWith(
                        "ignoring a message on ferry.control.ferry.changes: "))
                .anyMatch(line -> line.contains("not a repair message (no ferryControl property)"))
                .anyMatch(line -> line.contains("is no mirror's queue of ferry.changes"))
                .anyMatch(line -> line.contains("a RepairDone is an answer, not a question"))
                .anyMatch(line -> line.contains("mirror office asks for answers on the queue of elsewhere"));
    }

    @Test
    void onAnEncryptedStreamARequestInClearHostileInsideOrRedirectedCostsALogLineAndNothingMore() throws Exception {
        writeTree();
        mirror("office");
        EncryptionKey key = EncryptionKey.generateInto(temp.resolve("stream.key"));
        Seal seal = Seal.of("ferry.changes", null, TrustedKeys.NONE, key);
        startWatching(Producer.open(tree.settings().withMirrors(List.of("office")).withSeal(seal), endpoint));
        String office = WireFormat.mirrorQueueOf("office", "ferry.changes");
        RepairRequest request = new RepairRequest("r-1", "office", Map.of("", new DirectoryDigest("00".repeat(32), 0)));
        try (Connection connection = endpoint.connect(null, 10)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer control = session.createProducer(session.createQueue(CONTROL));
            BytesMessage clear = RepairMessages.encode(session, request);
            clear.setJMSReplyTo(session.createQueue(office));
            control.send(clear);
            // A mirror holds the key, so it can put anything inside: a header's name must not pass.
            BytesMessage hostile = seal.write(session, RepairMessages.compose(request)
                    .with(WireFormat.REPLY_TO_PROPERTY, office).with("JMSPriority", "high"));
            hostile.setJMSReplyTo(session.createQueue(office));
            control.send(hostile);
            BytesMessage redirected = seal.write(session, RepairMessages.compose(request)
                    .with(WireFormat.REPLY_TO_PROPERTY, WireFormat.mirrorQueueOf("elsewhere", "ferry.changes")));
            redirected.setJMSReplyTo(session.createQueue(office));
            control.send(redirected);
        }

        Awaitility.await().atMost(WITHIN).until(() -> warnings().size() >= 3);
        assertThat(warnings()).hasSize(3).allMatch(line -> line.startsWith(
                        "ignoring a message on ferry.control.ferry.changes: "))
                .anyMatch(line -> line.contains("not encrypted, and this side takes only messages encrypted"))
                .anyMatch(line -> line.contains("not Ferry's: JMSPriority"))
                .anyMatch(line -> line.contains("redirected on the way"));
        assertThat(watching.isDone()).as("the producer watches on").isFalse();
    }

    @Test
    void aRequestOfAMirrorWithoutAQueueIsTakenOffUnansweredAndMakesNoMirror() throws Exception {
        writeTree();
        HandMirror office = mirror("office");
        startProducer("office");
        awaitEqual(office);
        String ghost = WireFormat.mirrorQueueOf("ghost", "ferry.changes");
        try (Connection connection = endpoint.connect(null, 10)) {
            // Anyone who may write the control queue may name any mirror, or invent one.
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage request = RepairMessages.encode(session, new RepairRequest("r-ghost", "ghost",
                    Map.of("", new DirectoryDigest("00".repeat(32), 0))));
            request.setJMSReplyTo(session.createQueue(ghost));
            session.createProducer(session.createQueue(CONTROL)).send(request);
        }

        await().atMost(WITHIN).until(() -> waitingOn(CONTROL) == 0);
        tree.write("after.txt", "published after the request");
        awaitEqual(office);

        assertThat(queuesOnTheBroker()).as("no mirror made to receive every change from now on").doesNotContain(ghost);
        assertThat(warnings()).containsExactly("not answering repair r-ghost of mirror ghost: its queue " + ghost
                + " is not on the broker (removed, or its consumer never subscribed)");
        assertThat(office.repair(WITHIN).sent()).as("the next request is answered").isZero();
    }

    @Test
    void aMirrorRemovedWhileItsRequestWaitedIsNotMadeAgain() throws Exception {
        writeTree();
        try (Producer before = Producer.open(tree.settings().withMirrors(List.of("office")), endpoint)) {
            before.publishOnce();
        }
        String gone = WireFormat.mirrorQueueOf("gone", "ferry.changes");
        String id;
        try (HandMirror leaving = new HandMirror(endpoint, "ferry.changes", "gone", temp.resolve("mirror-gone"))) {
            id = leaving.requestRepair();
        }
        removeQueue(gone); // As `ferry mirror remove gone` does, its consumer gone.

        startProducer("office");
        await().atMost(WITHIN).until(() -> waitingOn(CONTROL) == 0);

        assertThat(queuesOnTheBroker()).doesNotContain(gone);
        assertThat(warnings()).containsExactly("not answering repair " + id + " of mirror gone: its queue " + gone
                + " is not on the broker (removed, or its consumer never subscribed)");
    }

    @Test
    void aMirrorsQueueRemovedWhileItsRepairIsAnsweredGetsNothingMore() throws Exception {
        fiveFilesPublishedBeforeTheMirror();
        // Stands still but for each fix sent, which ends its slice: one fix a slice.
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
        String lateQueue = WireFormat.mirrorQueueOf("late", "ferry.changes");
        AtomicInteger fixes = new AtomicInteger();
        AtomicBoolean removed = new AtomicBoolean();
        CountDownLatch detached = new CountDownLatch(1);
        ChangeSink removing = new ForwardingSink(JmsChangeSink.open(endpoint, "ferry.changes", List.of())) {
            @Override
            public void sendToMirror(String mirror, ChangeEvent event, byte[] body, int length) throws IOException {
                fixes.incrementAndGet();
                super.sendToMirror(mirror, event, body, length);
                clock.advance(Duration.ofSeconds(1));
            }

            @Override
            public void commit() throws IOException {
                super.commit();
                if (fixes.get() > 0 && removed.compareAndSet(false, true)) {
                    // The first slice of fixes is on the mirror's queue; its consumer went away, and the queue goes.
                    awaitQuietly(detached);
                    removeQueue(lateQueue);
                }
            }
        };
        HandMirror late = new HandMirror(endpoint, "ferry.changes", "late", temp.resolve("mirror-late"));
        String id = late.requestRepair();
        startWatching(Producer.open(tree.settings().withMirrors(List.of()), removing, clock));
        late.describe((RepairDescribe) late.awaitAnswer(id, WITHIN));
        late.close();
        detached.countDown();

        await().atMost(WITHIN).until(() -> waitingOn(CONTROL) == 0);

        assertThat(queuesOnTheBroker()).doesNotContain(lateQueue);
        assertThat(fixes).as("fixes sent before the queue went").hasValue(1);
        assertThat(warnings()).containsExactly("not answering repair " + id + " of mirror late: its queue "
                + lateQueue + " is not on the broker (removed, or its consumer never subscribed)");
    }

    @Test
    void aBrokerSlowerToAskThanASliceLastsStillGetsTheRepairAnswered() throws Exception {
        fiveFilesPublishedBeforeTheMirror();
        // Stands still but for each question whether the mirror's queue is there, which takes longer
        // than a slice of the repair (8 round trips on a link of 40 ms, or a relay that adds Nagle's delay).
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
        ChangeSink slowToAsk = new ForwardingSink(JmsChangeSink.open(endpoint, "ferry.changes", List.of())) {
            @Override
            public boolean exists(String mirror) throws IOException {
                boolean exists = super.exists(mirror);
                clock.advance(Producer.REPAIR_SLICE.multipliedBy(2));
                return exists;
            }
        };
        HandMirror late = mirror("late");
        startWatching(Producer.open(tree.settings().withMirrors(List.of()), slowToAsk, clock));

        RepairDone done = late.repair(WITHIN);

        assertThat(done.sent()).isEqualTo(5);
        assertThat(late.equals(tree.source)).isTrue();
    }

    private List<String> warnings() {
        return logged.list.stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The queues on the broker, asked of the broker itself. */
    private Set<String> queuesOnTheBroker() throws Exception {
        return broker.getBroker().getDestinationMap().keySet().stream().filter(ActiveMQDestination::isQueue)
                .map(ActiveMQDestination::getPhysicalName).collect(Collectors.toSet());
    }

    private long waitingOn(String queue) throws Exception {
        return broker.getDestination(new ActiveMQQueue(queue)).getDestinationStatistics().getMessages().getCount();
    }

    private void removeQueue(String queue) throws IOException {
        try {
            broker.getBroker().removeDestination(broker.getAdminConnectionContext(), new ActiveMQQueue(queue), 0);
        } catch (Exception e) {
            throw new IOException("cannot remove " + queue + ": " + e.getMessage(), e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the mirror never went away");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A tree with the files the tests tamper with. */
    private void writeTree() {
        tree.write("a/chmod.txt", "chmod me");
        tree.write("a/touch.txt", "touch me");
        tree.write("a/keep.txt", "leave me alone");
        tree.write("docs/edit.txt", "edit");
        tree.write("docs/gone.txt", "delete me");
        for (int i = 0; i < 20; i++) {
            tree.write("docs/more/" + i + ".txt", "file " + i);
        }
        tree.symlink("docs/link", "edit.txt");
    }

    private HandMirror mirror(String name) throws Exception {
        HandMirror mirror = new HandMirror(endpoint, "ferry.changes", name, temp.resolve("mirror-" + name));
        mirrors.add(mirror);
        return mirror;
    }

    private void startProducer(String... keptMirrors) throws Exception {
        startWatching(Producer.open(tree.settings().withMirrors(List.of(keptMirrors)), endpoint));
    }

    /** Runs {@code opened} as the test's producer, watching, until the test ends. */
    private void startWatching(Producer opened) {
        producer = opened;
        watching = executor.submit(() -> {
            opened.watch();
            return null;
        });
    }

    /** Five files a producer published while no mirror was kept: a late mirror gets them from its repair. */
    private void fiveFilesPublishedBeforeTheMirror() throws Exception {
        for (int i = 0; i < 5; i++) {
            tree.write("f" + i + ".txt", "file " + i);
        }
        try (Producer before = Producer.open(tree.settings().withMirrors(List.of()), endpoint)) {
            before.publishOnce();
        }
    }

    private void awaitEqual(HandMirror mirror) {
        await().atMost(WITHIN).until(() -> {
            mirror.drain(Duration.ofMillis(200));
            return mirror.equals(tree.source);
        });
    }

    private static List<String> events(HandMirror mirror) {
        return mirror.received().stream().flatMap(received -> received.events().stream())
                .map(RecordingSink::describe).filter(change -> change != null).toList();
    }
}
