package dev.ferry.producer.repair;

import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import dev.ferry.wire.WireText;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's side of repair (see {@link RepairMessage} for the conversation): takes the
 * requests and listings mirrors leave on the stream's control queue, one at a time, and answers
 * each on the asking mirror's queue only.
 *
 * <p>It works in slices: {@link #work} does at most about a slice of work (the rest of a file
 * being read past it) and returns, so the producer's loop publishes live changes between slices,
 * on the same thread, with the same index. A repair of 100,000 files thus goes out a slice at a
 * time, each committed, while changes made meanwhile are published between them; both take
 * their sequence numbers from the same counter, so the mirror applies whichever is newer.
 *
 * <p>A control message stays on the queue until its answer is committed: when the broker is lost
 * meanwhile, {@link #reset} forgets the work under way, and the message, delivered again, is
 * answered again. A message that is not a well-formed request of this stream is logged in one
 * line and taken off the queue unanswered; so is a request of a mirror whose queue is not on the
 * broker ({@link MirrorQueueCheck}), looked at before the first slice of its answer and then
 * once a second: the answer would make the queue, and with it a mirror nobody keeps.
 */
public final class RepairResponder {

    private static final Logger log = LoggerFactory.getLogger(RepairResponder.class);
    /** How many repairs' event counts are remembered, for their last {@code RepairDone}. */
    private static final int REMEMBERED_REPAIRS = 1_000;
    /**
     * How often, at most, an answer under way looks again for its mirror's queue: each look costs
     * several round trips to the broker, which on a slow link can take longer than a slice.
     */
    static final Duration QUEUE_CHECK_EVERY = Duration.ofSeconds(1);

    private final String queue;
    private final PublishedView published;
    private final RepairOutlet outlet;
    private final ControlInbox inbox;
    private final MirrorQueueCheck queues;
    private final Clock clock;
    private final RepairedMirrors repaired;
    private final Map<String, Long> sentByRepair = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_REPAIRS;
        }
    };
    private Answer answer; // The control message being answered, or null.

    /**
     * @param queue     the stream, by its queue name: answers go to its mirrors' queues only
     * @param published what the producer published
     * @param outlet    where answers go
     * @param inbox     the stream's control queue
     * @param queues    which mirrors' queues are on the broker: only those are answered
     */
    public RepairResponder(String queue, PublishedView published, RepairOutlet outlet, ControlInbox inbox,
                           MirrorQueueCheck queues, Clock clock) {
        this(queue, published, outlet, inbox, queues, clock, RepairedMirrors.NONE);
    }

    /** The same, telling {@code repaired} of each mirror whose repair was answered whole. */
    public RepairResponder(String queue, PublishedView published, RepairOutlet outlet, ControlInbox inbox,
                           MirrorQueueCheck queues, Clock clock, RepairedMirrors repaired) {
        this.queue = queue;
        this.published = published;
        this.outlet = outlet;
        this.inbox = inbox;
        this.queues = queues;
        this.clock = clock;
        this.repaired = repaired;
    }

    /** Whether an answer is under way, which {@link #work} goes on with as soon as it can. */
    public boolean busy() {
        return answer != null;
    }

    /**
     * Goes on with the answer under way, or takes the next control message waiting, for about
     * {@code slice}.
     *
     * @throws dev.ferry.producer.BrokerUnavailableException when the broker is lost: call
     *         {@link #reset} once reconnected
     * @throws IOException          when the source cannot be read, or the index written
     */
    public void work(Duration slice) throws IOException, InterruptedException {
        if (answer == null) {
            Message next = inbox.nextControl();
            if (next == null) {
                return;
            }
            answer = accept(next);
            if (answer == null) {
                inbox.acknowledgeControl(next);
                return;
            }
        }
        try {
            if (answer.dueForQueueCheck() && !queues.exists(answer.mirror())) {
                log.warn("not answering repair {} of mirror {}: its queue {} is not on the broker (removed, or its "
                        + "consumer never subscribed)", answer.id(), answer.mirror(),
                        WireFormat.mirrorQueueOf(answer.mirror(), queue));
                drop();
                return;
            }
            // The slice starts after the question: on a slow link asking takes longer than a slice.
            if (answer.step(clock.instant().plus(slice))) {
                answer = null;
            }
        } catch (RefusedAnswerException refused) {
            log.warn("cannot answer repair {} of mirror {}: {}", answer.id(), answer.mirror(), refused.getMessage());
            drop();
        }
    }

    /** Takes the message being answered off the control queue, unanswered (or answered in part). */
    private void drop() throws IOException {
        inbox.acknowledgeControl(answer.message());
        answer = null;
    }

    /** Forgets the answer under way: the broker was lost, and the message will come again. */
    public void reset() {
        answer = null;
    }

    /** The answer {@code message} deserves, or null (logged) when it deserves none. */
    private Answer accept(Message message) {
        try {
            Message opened = inbox.open(message);
            RepairMessage repair = RepairMessages.decode(opened);
            String replyTo = RepairMessages.replyQueue(opened);
            String mirror = replyTo == null ? null : WireFormat.mirrorOf(replyTo, queue);
            if (mirror == null) {
                throw new WireFormatException("its JMSReplyTo, " + (replyTo == null ? "missing"
                        : WireText.escape(replyTo)) + ", is no mirror's queue of " + queue);
            }
            if (repair instanceof RepairRequest request) {
                if (!request.mirror().equals(mirror)) {
                    throw new WireFormatException("mirror " + request.mirror() + " asks for answers on the queue of "
                            + mirror);
                }
                return new DigestAnswer(message, request, mirror);
            }
            if (repair instanceof RepairEntries entries) {
                return new ListingAnswer(message, entries, mirror);
            }
            throw new WireFormatException("a " + RepairMessages.kindOf(repair) + " is an answer, not a question");
        } catch (WireFormatException | JMSException | RuntimeException e) {
            // Taken off the queue: a message no check foresaw must not stop the producer, nor come back to.
            log.warn("ignoring a message on {}: {}", WireFormat.controlQueueOf(queue), describe(message, e));
            return null;
        }
    }

    private static String describe(Message message, Exception e) {
        String id;
        try {
            id = message.getJMSMessageID();
        } catch (JMSException unreadable) {
            id = "?";
        }
        return e.getMessage() + " (message " + id + ")";
    }

    /** The answer to one control message, made a slice at a time. */
    private abstract class Answer {
        private final Message message;
        private final String id;
        private final String mirror;
        private final long accepted = System.nanoTime();
        private boolean begun;
        private Instant queueChecked; // Null until the first check.

        Answer(Message message, String id, String mirror) {
            this.message = message;
            this.id = id;
            this.mirror = mirror;
        }

        /** How long ago the message was taken, in milliseconds: what answering it took, slices apart. */
        long millisTaken() {
            return (System.nanoTime() - accepted) / 1_000_000;
        }

        Message message() {
            return message;
        }

        /**
         * Whether the mirror's queue is to be looked for before this slice: before the first, then at
         * most once per {@link #QUEUE_CHECK_EVERY}, each look being a round of the broker's statistics.
         */
        boolean dueForQueueCheck() {
            Instant now = clock.instant();
            // A clock set back counts as time passed: the look is not put off for as long as it went back.
            if (queueChecked != null && !now.isBefore(queueChecked)
                    && now.isBefore(queueChecked.plus(QUEUE_CHECK_EVERY))) {
                return false;
            }
            queueChecked = now;
            return true;
        }

        String id() {
            return id;
        }

        String mirror() {
            return mirror;
        }

        /** Does a slice of the answer; true once it is committed and its message acknowledged. */
        boolean step(Instant deadline) throws IOException, InterruptedException {
            if (!begun) {
                begun = true;
                log.info("repair {} of mirror {}: comparing {} with what was published", id, mirror, subject());
            }
            if (!published.learnHashes(deadline)) {
                outlet.commit(); // What was learned, kept.
                return false;
            }
            if (!answer(deadline)) {
                outlet.commit();
                return false;
            }
            inbox.acknowledgeControl(message);
            return true;
        }

        /** What the mirror sent to compare, for the log: "12 directories". */
        abstract String subject();

        /** Goes on answering; true once the whole answer is sent and committed. */
        abstract boolean answer(Instant deadline) throws IOException, InterruptedException;

        /** Sends {@code reply} to the mirror and commits it with whatever was sent before. */
        void finish(RepairMessage reply) throws IOException {
            outlet.send(mirror, reply);
            outlet.commit();
            if (reply instanceof RepairMessage.RepairDone) {
                repaired.repaired(mirror);
            }
        }

        /** Counts {@code events} sent for this repair; the total so far. */
        long sent(long events) {
            return sentByRepair.merge(id, events, Long::sum);
        }
    }

    /** Round 1: the mirror's digests against the published ones. */
    private final class DigestAnswer extends Answer {
        private final RepairRequest request;

        DigestAnswer(Message message, RepairRequest request, String mirror) {
            super(message, request.id(), mirror);
            this.request = request;
        }

        @Override
        String subject() {
            return request.digests().size() + " directories";
        }

        @Override
        boolean answer(Instant deadline) throws IOException {
            DigestRound round = DigestRound.compare(published, request.digests());
            if (round.equal()) {
                finish(new RepairMessage.RepairDone(id(), 0));
                log.info("repair {} of mirror {}: equal ({} entries), answered in {} ms", id(), mirror(),
                        round.entries(), millisTaken());
            } else {
                sentByRepair.put(id(), 0L);
                finish(new RepairMessage.RepairDescribe(id(), round.directoriesToList()));
                log.info("repair {} of mirror {}: asked for the listings of {} directories, in {} ms", id(), mirror(),
                        round.directoriesToList().size(), millisTaken());
            }
            return true;
        }
    }

    /** Round 2 and after: the mirror's listings against the published tree, then the fixes, a slice at a time. */
    private final class ListingAnswer extends Answer {
        private final RepairEntries entries;
        private ListingRound round;

        ListingAnswer(Message message, RepairEntries entries, String mirror) {
            super(message, entries.id(), mirror);
            this.entries = entries;
        }

        @Override
        String subject() {
            return entries.listings().size() + " listings";
        }

        @Override
        boolean answer(Instant deadline) throws IOException, InterruptedException {
            if (round == null) {
                round = ListingRound.compare(published, entries.listings());
                log.info("repair {} of mirror {}: {} paths differ{}", id(), mirror(), round.plan().paths(),
                        round.plan().unlisted().isEmpty() ? ""
                                : ", " + round.plan().unlisted().size() + " directories still to list");
            }
            sent(round.send(outlet, mirror(), deadline, clock));
            if (!round.done()) {
                return false;
            }
            if (round.plan().unlisted().isEmpty()) {
                long total = sent(0);
                finish(new RepairMessage.RepairDone(id(), total));
                log.info("repair {} of mirror {}: done, {} events sent, in {} ms", id(), mirror(), total,
                        millisTaken());
            } else {
                finish(new RepairMessage.RepairDescribe(id(), round.plan().unlisted().stream().toList()));
            }
            return true;
        }
    }
}
