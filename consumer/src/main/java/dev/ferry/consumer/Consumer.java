package dev.ferry.consumer;

import dev.ferry.consumer.PendingFiles.Pending;
import dev.ferry.consumer.repair.MirrorSurvey;
import dev.ferry.consumer.repair.RepairPolicy;
import dev.ferry.consumer.repair.RepairRequester;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.BrokerFailures;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes change events off the queue and applies them to the replica, in JMS transactions that
 * commit only after their effects are durable: guaranteed delivery end to end.
 *
 * <p>One transaction holds up to a batch of messages. Before it commits, staged bodies, changed
 * directories and the ledger are fsynced; a crash before the commit redelivers the batch, and the
 * ledger and the idempotent file operations make the second application change nothing.
 */
public final class Consumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Consumer.class);

    /**
     * How many messages the broker pushes ahead. ActiveMQ counts messages, not bytes; 32 of the
     * producer's 512 KiB chunks make a 16 MiB window, as 64 of its former 256 KiB chunks did, and
     * the wire's largest body (4 MiB) bounds it at 128 MiB (256 MiB before). The smaller count
     * costs streams of small unbundled events a little: 10,100 new directories, separate
     * processes over TCP, took 8.1 s (median of 3) at 32 against 7.8 s at 64 alternated with it,
     * and 8.3 s at 16 against 7.3 s.
     */
    static final int PREFETCH = 32;
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    /**
     * How long a drain waits for more once the queue gives nothing: one idle poll. (It was 1.5 s,
     * all of it on the clock of every `consumer --drain`.)
     */
    private static final Duration DRAIN_QUIET = IDLE_POLL;
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(10);

    private final ConsumerSettings settings;
    private final BrokerEndpoint endpoint;
    private final Clock clock;
    private final FailurePolicy failures;
    private final Replica replica;
    private final MirrorState mirrorState;
    private final RepairRequester repairs;
    private final TransactionOutcome outcome = new TransactionOutcome();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running;
    private volatile QueueLink link;

    private long messages;
    private long applied;
    private long deadLettered;

    private Consumer(ConsumerSettings settings, BrokerEndpoint endpoint, Clock clock, Replica replica,
                     QueueLink link, MirrorState mirrorState) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.clock = clock;
        this.replica = replica;
        this.mirrorState = mirrorState;
        this.link = link;
        this.failures = new FailurePolicy(clock);
        this.repairs = new RepairRequester(settings.mirror(), settings.queue(), settings.repair(), replica,
                new MirrorSurvey(replica.root(), replica.hashJournal()), mirrorState::needsRepair, clock);
    }

    public static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint) throws IOException, JMSException {
        return open(settings, endpoint, FirstContact.NONE);
    }

    /**
     * Opens the replica and connects; {@code contact} looks at the broker on the first connection,
     * before the consumer subscribes.
     */
    public static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint, FirstContact contact)
            throws IOException, JMSException {
        return open(settings, endpoint, Clock.systemUTC(), contact);
    }

    /**
     * Opens the replica and connects. A broker that never answers now, or that refuses the login or
     * the queue, is an error; one that answered and went away, even before the connection was
     * ready, is waited for (see {@link #run()} and {@link BrokerFailures}).
     */
    static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint, Clock clock, FirstContact contact)
            throws IOException, JMSException {
        Replica replica = Replica.open(settings.destination(), settings.mirror(), settings.queue());
        try {
            return new Consumer(settings, endpoint, clock, replica, firstLink(endpoint, settings, clock, contact),
                    contact.mirrorState());
        } catch (JMSException | RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /** The first link; one the broker broke while it was being made goes to the loop, which reconnects. */
    private static QueueLink firstLink(BrokerEndpoint endpoint, ConsumerSettings settings, Clock clock,
                                       FirstContact contact) throws JMSException {
        try {
            return QueueLink.open(endpoint, settings, PREFETCH, clock, contact);
        } catch (JMSException e) {
            if (!BrokerFailures.isLostAtStart(e)) {
                throw e;
            }
            return QueueLink.lost(e);
        }
    }

    /**
     * Which mirror the destination is, and whether it was new, adopted from before mirrors or known
     * at this start: what a late join or a repair decides by.
     */
    public MirrorClaim claim() {
        return replica.claim();
    }

    /**
     * Whether this mirror wants to be compared with its source: it is new, or it saw a gap in its
     * stream or another stream, since its last repair.
     */
    public boolean repairWanted() {
        return replica.repairWanted();
    }

    /**
     * Records, durably, that this mirror's queue was lost with what waited on it (the broker lost
     * its data, say): the mirror wants a repair, which it asks for at its next idle moment, and no
     * longer waits for the answer of one asked for before, which went with the queue. Call it
     * before {@link #run()} or {@link #drain()}.
     */
    public void queueWasLost() throws IOException {
        replica.queueWasLost();
    }

    /**
     * Whether a producer dropped this consumer's mirror (its backlog passed the limit while nobody
     * consumed it) and its repair has not been answered: what the producers' heartbeats said at the
     * first connection ({@link FirstContact#mirrorState()}); false while that is not known yet.
     */
    public boolean needsRepair() {
        return mirrorState.needsRepair();
    }

    /** What the producers said of this consumer's mirror at its first connection. */
    public MirrorState mirrorState() {
        return mirrorState;
    }

    /**
     * Applies events until {@link #close()} is called from another thread. If the broker goes
     * away, what was applied but not committed is forgotten (it will be redelivered) and the
     * consumer reconnects with backoff until the broker is back.
     */
    public void run() throws IOException, InterruptedException {
        loop(false);
    }

    /**
     * Applies everything waiting in the queue, then returns; with {@link RepairPolicy#atStart()},
     * once the repair it asks for is applied too.
     *
     * @throws NoRepairAnswerException when the repair it asked for cannot finish: no producer answered
     *                                 within the repair timeout, or the broker refused the request
     */
    public ApplySummary drain() throws IOException, InterruptedException {
        return loop(true);
    }

    private ApplySummary loop(boolean drain) throws IOException, InterruptedException {
        long started = clock.millis();
        running = true;
        log.info("consumer applying mirror '{}' of queue {} ({}) from {} to {}", settings.mirror(), settings.queue(),
                settings.mirrorQueue(), endpoint, settings.destination());
        try {
            while (stopRequested.getCount() > 0) {
                try {
                    if (applyUntilQuiet(drain)) {
                        break;
                    }
                } catch (JMSException e) {
                    replica.forgetUncommitted();
                    log.warn("lost the broker {}: {}; reconnecting", endpoint, describe(e));
                    reconnect();
                }
            }
        } finally {
            running = false;
            loopDone.countDown();
        }
        return new ApplySummary(messages, applied, deadLettered, Duration.ofMillis(clock.millis() - started));
    }

    /**
     * Applies messages in batches until a stop is requested, or, when draining, until the queue
     * has been quiet for a while.
     *
     * @return true when draining found the queue empty
     */
    private boolean applyUntilQuiet(boolean drain) throws JMSException, IOException, InterruptedException {
        long quietSince = clock.millis();
        while (stopRequested.getCount() > 0) {
            Batch batch = collect();
            if (batch.isEmpty()) {
                settings.observer().idle();
                if (atIdle(drain) && clock.millis() - quietSince >= DRAIN_QUIET.toMillis()) {
                    return true;
                }
                continue;
            }
            if (batch.fromRepair()) {
                repairs.repairMessageTaken();
            }
            quietSince = clock.millis();
            if (apply(batch) && commit(batch)) {
                failures.succeeded();
                if (batch.caughtUp() && stopRequested.getCount() > 0) {
                    // A source that never rests never leaves the queue idle: asking once the consumer
                    // has caught up costs at most listings of what is still on its way (a describe is
                    // answered once everything before it is applied).
                    repairs.atIdle(link, drain);
                }
            } else {
                rollback();
                failures.awaitBackoff(stopRequested);
            }
        }
        return false;
    }

    /**
     * What the consumer does when its queue is idle: asks for a repair if one is due (it also asks
     * when a batch found nothing more waiting). Whether a drain may end here, as far as repairs go.
     *
     * @throws NoRepairAnswerException when a drain waits for a repair that cannot finish
     */
    private boolean atIdle(boolean drain) throws JMSException, NoRepairAnswerException {
        if (stopRequested.getCount() == 0) {
            return true;
        }
        repairs.atIdle(link, drain);
        if (!drain) {
            repairs.warnOfTrouble();
            return false;
        }
        if (!repairs.holdsDrainOpen()) {
            return true;
        }
        String trouble = repairs.trouble();
        if (trouble != null) {
            giveUpRepair();
            throw new NoRepairAnswerException(trouble);
        }
        return false;
    }

    /** The next run asks afresh: the producer may have taken the request off unanswered. */
    private void giveUpRepair() {
        try {
            repairs.giveUp();
        } catch (IOException e) {
            log.warn("cannot give up the repair in flight, the next run waits for it again: {}", e.getMessage());
        }
    }

    /**
     * Takes the messages of one transaction: as many as arrive without waiting, up to the batch
     * limits. Holding them before applying lets a later event spare the writing of an earlier body.
     * A repair's message ends its batch, so that it is handled once every event before it is.
     */
    private Batch collect() throws JMSException {
        Batch batch = new Batch();
        Message received = link.receive(IDLE_POLL.toMillis());
        while (received != null) {
            Message message = null;
            try {
                message = settings.seal().open(received);
            } catch (WireFormatException refused) {
                // Unsigned, signed by a key not trusted, altered, or encrypted otherwise: not even its
                // place in the stream is believed.
                batch.refuse(received, refused.getMessage());
            } catch (RuntimeException e) {
                batch.refuse(received, "cannot open the message: " + describe(e));
            }
            if (message != null) {
                batch.add(message, received, link.fromQueueOfBeforeMirrors(received));
            } else {
                message = received;
            }
            if (batch.isFull(settings) || RepairMessages.isRepairMessage(message)) {
                return batch;
            }
            received = link.receive(1);
        }
        batch.caughtUp = true; // Nothing more was waiting.
        return batch;
    }

    /**
     * Applies the batch inside the open transaction.
     *
     * @return false when applying failed for a reason that may pass (a full disk, say): the
     *         caller rolls the transaction back and tries again later
     */
    private boolean apply(Batch batch) throws JMSException {
        outcome.begin();
        List<Delivered> delivered = new ArrayList<>(batch.messages.size());
        Message repair = null;
        for (Message message : batch.messages) {
            String refused = batch.refused.get(message);
            if (refused != null) {
                deadLetter(batch, message, null, refused);
                continue;
            }
            followStream(message);
            if (RepairMessages.isRepairMessage(message)) {
                repair = message; // The last of its batch: handled once the events before it are applied.
                continue;
            }
            try {
                unpack(message, batch, delivered);
            } catch (RuntimeException e) {
                // A message no check foresaw must not stop the consumer, nor come back to stop it again.
                deadLetter(batch, message, null, "cannot read the message: " + describe(e));
            }
        }
        BitSet superseded = Supersession.of(delivered.stream().map(Delivered::event).toList());
        ChangeApplier applier = replica.applier();
        for (int i = 0; i < delivered.size(); i++) {
            Delivered next = delivered.get(i);
            ChangeEvent event = next.event();
            if (applier.mustLandBefore(event) && !landPending(batch)) {
                return false;
            }
            if (superseded.get(i)) {
                log.debug("skipped the body of {} (seq {}): a later event in the backlog replaces it",
                        event.path(), event.seq());
                batch.saw(event.seq());
            } else if (!attempt(event, next.message(), batch,
                    () -> applier.apply(event, next.body(), next.message()))) {
                return false;
            }
            if (applier.pendingIsFull() && !landPending(batch)) {
                return false;
            }
        }
        return landPending(batch) && (repair == null || answerRepair(batch, repair));
    }

    /**
     * Hands a repair's message to the requester, in the batch's transaction. One that cannot be
     * read is dead-lettered with the reason.
     *
     * @return false when the destination could not be described: the batch is rolled back
     */
    private boolean answerRepair(Batch batch, Message message) throws JMSException {
        RepairMessage answer;
        try {
            answer = RepairMessages.decode(message);
        } catch (WireFormatException e) {
            deadLetter(batch, message, null, e.getMessage());
            return true;
        }
        try {
            repairs.answer(answer, link);
            return true;
        } catch (IOException | RuntimeException e) {
            failures.failed(e, "describe " + settings.destination() + " for repair " + answer.id());
            return false;
        }
    }

    /**
     * Notes {@code message}'s place in the stream, committed with the batch; says when messages were
     * missed, which makes the consumer ask for a repair at its next idle moment.
     */
    private void followStream(Message message) throws JMSException {
        StreamPosition numbered = StreamPosition.of(message);
        if (numbered == null) {
            return;
        }
        StreamPosition before = replica.position();
        StreamPosition.Step step = replica.follow(numbered);
        if (step == StreamPosition.Step.GAP) {
            log.warn("mirror '{}' missed messages of its stream: message {} came after {} (stream {}); it asks for "
                    + "a repair once its queue is idle", settings.mirror(), numbered.seq(), before.seq(),
                    numbered.stream());
        } else if (step == StreamPosition.Step.NEW_STREAM) {
            log.warn("mirror '{}' receives another stream ({}, after {}): its producer lost its state or is another "
                    + "one; it asks for a repair once its queue is idle", settings.mirror(), numbered.stream(),
                    before.stream());
        }
    }

    /** An event with the message that carried it and its body bytes. */
    private record Delivered(ChangeEvent event, Message message, EventBody body) {
    }

    /**
     * Adds the events {@code message} carries. Dead-letters it if it carries none that can be read,
     * or if some files of its bundle cannot be: then the files beside them are still applied, as
     * when applying one of them fails.
     */
    private void unpack(Message message, Batch batch, List<Delivered> into) throws JMSException {
        EventMessages.Applicable applicable;
        try {
            applicable = EventMessages.decodeApplicable(message);
        } catch (WireFormatException e) {
            deadLetter(batch, message, null, e.getMessage());
            return;
        }
        BytesMessage body = (BytesMessage) message; // decodeApplicable checked it
        List<ChangeEvent> events = applicable.events();
        if (applicable.isEncoded()) {
            List<EventBody> bodies = DecodedBody.slices(body, applicable); // decoded when first read
            for (int i = 0; i < events.size(); i++) {
                into.add(new Delivered(events.get(i), message, bodies.get(i)));
            }
        } else if (!applicable.bundle()) {
            into.add(new Delivered(events.get(0), message, EventBody.of(body)));
        } else {
            // A bundle: at most WireFormat.MAX_CHUNK_BYTES, as decodeApplicable checked, and already in
            // memory in the message; each file gets its own slice, read or not.
            byte[] bodies = new byte[(int) body.getBodyLength()];
            body.readBytes(bodies);
            for (int i = 0; i < events.size(); i++) {
                ChangeEvent.PutFile file = (ChangeEvent.PutFile) events.get(i);
                into.add(new Delivered(file, message, EventBody.of(bodies, applicable.bodyOffsets().get(i),
                        file.length())));
            }
        }
        if (applicable.rejected() != null) {
            // After the bodies are read: the copy for the dead-letter queue reads the body too.
            deadLetter(batch, message, null, applicable.rejected());
        }
    }

    /** Moves the files whose bodies are being fsynced into place, each as part of its own message. */
    private boolean landPending(Batch batch) throws JMSException {
        ChangeApplier applier = replica.applier();
        try (ReplicaTree.TimeHold hold = replica.holdDirectoryTimes()) {
            for (Pending file : applier.takePending()) {
                if (!attempt(file.event(), file.message(), batch, () -> {
                    applier.land(file);
                    return true;
                })) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            failures.failed(e, "give the directories of " + settings.destination() + " their modification times back");
            return false;
        }
    }
    /** One step of applying a message's event: whether it changed the replica. */
    private interface Step {
        boolean run() throws IOException, JMSException, PoisonException;
    }

    /**
     * Runs a step of {@code message}'s event, dead-lettering the message when the step can never
     * succeed.
     *
     * @return false when the step failed for a reason that may pass: the batch must be rolled back
     */
    private boolean attempt(ChangeEvent event, Message message, Batch batch, Step step) throws JMSException {
        try {
            if (step.run()) {
                applied++;
                outcome.applied(event);
            }
            batch.saw(event.seq());
            return true;
        } catch (PoisonException e) {
            deadLetter(batch, message, event, e.getMessage());
            return true;
        } catch (IOException | RuntimeException e) {
            int attempt = deliveryCount(message);
            if (failures.isPoison(e, attempt)) {
                deadLetter(batch, message, event, "failed " + attempt + " times applying " + event.path() + ": " + describe(e));
                return true;
            }
            failures.failed(e, "apply " + event.path() + " to " + settings.destination());
            return false;
        }
    }

    /** Replaces the broken link with a new one, retrying with backoff until it works or a stop is requested. */
    private void reconnect() throws InterruptedException {
        link.close();
        long delay = FIRST_RECONNECT_DELAY.toMillis();
        while (!stopRequested.await(delay, TimeUnit.MILLISECONDS)) {
            try {
                link = QueueLink.open(endpoint, settings, PREFETCH, clock, FirstContact.NONE);
                log.info("reconnected to {}", endpoint);
                return;
            } catch (JMSException | RuntimeException e) {
                log.debug("broker {} still unreachable: {}", endpoint, describe(e));
                delay = Math.min(MAX_RECONNECT_DELAY.toMillis(), delay * 2);
            }
        }
    }

    /**
     * Moves {@code message} to the dead-letter queue in the batch's transaction, once: a bundle
     * goes there whole, with the reason of its first file that failed, and the rest of its files
     * are still applied (a retry from the dead-letter queue finds them applied already).
     *
     * @param event the event that failed, or null when the message carries none that can be read
     */
    private void deadLetter(Batch batch, Message message, ChangeEvent event, String reason) throws JMSException {
        if (batch.deadLettered.add(message)) {
            // As it was received: an encrypted message stays encrypted on the dead-letter queue.
            link.deadLetter(batch.received.getOrDefault(message, message), reason);
            deadLettered++;
            outcome.deadLettered(event, reason);
        }
    }

    /**
     * Makes the batch durable, then commits it.
     *
     * @return false when the destination could not make it durable (a full disk, say): the caller
     *         rolls back and tries again later
     */
    private boolean commit(Batch batch) throws JMSException {
        try {
            replica.makeDurable(batch.hadBodies(), batch.newestSeq());
        } catch (IOException e) {
            failures.failed(e, "make the changes durable in " + settings.destination());
            return false;
        }
        link.commit();
        messages += batch.changeMessages();
        settings.observer().committed(outcome.committed(batch.changeMessages(), batch.bytes, clock.instant()));
        return true;
    }

    private void rollback() throws JMSException {
        replica.forgetUncommitted();
        link.rollback();
    }

    private static int deliveryCount(Message message) {
        try {
            return message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 1;
        } catch (JMSException e) {
            return 1;
        }
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        if (e instanceof JMSException jms && jms.getLinkedException() != null) {
            cause = jms.getLinkedException();
        }
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Stops applying, finishing or rolling back the transaction in flight, and disconnects. */
    @Override
    public void close() {
        stopRequested.countDown();
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (running && !loopDone.await(10, TimeUnit.SECONDS)) {
                log.warn("consumer did not stop within 10 s; closing the connection under it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        try {
            repairs.close();
        } catch (IOException e) {
            log.warn("closing the hash cache of {}: {}", settings.destination(), e.getMessage());
        }
        try {
            replica.close();
        } catch (IOException e) {
            log.warn("closing the replica at {}: {}", settings.destination(), e.getMessage());
        }
    }

    /** The messages of one transaction. */
    private static final class Batch {
        final List<Message> messages = new ArrayList<>();
        final Set<Message> deadLettered = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The messages as received, of those that were opened into others ({@link dev.ferry.wire.seal.Seal#open}). */
        final Map<Message, Message> received = new IdentityHashMap<>();
        /** The messages whose seal does not hold, with why: dead-lettered, nothing of them applied. */
        final Map<Message, String> refused = new IdentityHashMap<>();
        private long bytes;
        private boolean bodies;
        private long newestSeq;
        private boolean caughtUp;
        private int repairMessages;
        private boolean fromRepair;

        /** Adds a message whose seal does not hold, as received, with why. */
        void refuse(Message message, String reason) {
            messages.add(message);
            refused.put(message, reason);
        }

        /**
         * Adds {@code message}, opened from {@code asReceived}; {@code ofBeforeMirrors}: it came from
         * the queue of producers of before mirrors.
         */
        void add(Message message, Message asReceived, boolean ofBeforeMirrors) throws JMSException {
            messages.add(message);
            if (message != asReceived) {
                received.put(message, asReceived);
            }
            if (RepairMessages.isRepairMessage(message)) {
                repairMessages++;
                fromRepair = true;
                return;
            }
            // An event a repair sent: repairs number none. Producers of before mirrors number none
            // either, and answer no repair.
            fromRepair |= !ofBeforeMirrors && StreamPosition.of(message) == null;
            if (message instanceof BytesMessage body) {
                bytes += body.getBodyLength();
                bodies |= body.getBodyLength() > 0;
            }
        }

        /** Whether a repair sent some of the messages: a sign that the repair in flight is being answered. */
        boolean fromRepair() {
            return fromRepair;
        }

        /**
         * The messages that carried changes: a repair's own messages are not counted, as the
         * producer counts none of what it sends for a repair as published.
         */
        int changeMessages() {
            return messages.size() - repairMessages;
        }

        void saw(long seq) {
            newestSeq = Math.max(newestSeq, seq);
        }

        boolean isEmpty() {
            return messages.isEmpty();
        }

        boolean isFull(ConsumerSettings settings) {
            return messages.size() >= settings.batchMessages() || bytes >= settings.batchBytes();
        }

        boolean hadBodies() {
            return bodies;
        }

        long newestSeq() {
            return newestSeq;
        }

        /** Whether the batch ended because nothing more was waiting: the consumer has caught up with its queue. */
        boolean caughtUp() {
            return caughtUp;
        }
    }
}
