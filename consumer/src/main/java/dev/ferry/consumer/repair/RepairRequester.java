package dev.ferry.consumer.repair;

import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.DurationText;
import dev.ferry.wire.ListedEntry;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of a repair (see {@link RepairMessage} for the conversation): asks at an idle
 * moment, when a repair is due and none is in flight, with the digests of the destination; answers
 * a describe of its repair with the listings asked for, in the transaction that takes the describe;
 * and takes the done as the end of its repair, when the survey lets go of its hashes until the next
 * one (they stay in their journal). Answers of another repair are logged and dropped.
 *
 * <p>It asks only once the consumer has caught up with its queue (at an idle moment, or after a
 * batch that found nothing more waiting), so that its digests show what the producer published
 * before. What is still on its way then costs listings of a few more directories, not its sending
 * again: a describe is answered once everything before it in the queue is applied.
 *
 * <p>A request's id is kept in the {@link RepairBook} until its done is applied, so a consumer
 * that restarts waits for the repair it asked for rather than asking again; a request the
 * producer never saw waits on the control queue and is answered when it starts. A repair that got
 * no sign of its own (its describe, its events, its done; not live changes) for the repair timeout
 * since it was asked is given up and asked again: the producer may have
 * taken it off unanswered (a mirror queue it could not see, a broker that would not say), and
 * waiting on would wedge the mirror's repairs for good. A drain that waits for its repair exits
 * instead, and the next run asks afresh. A request given up stays on the control queue, durably,
 * as every request does (a producer that starts answers it, and the mirror drops the answer): so
 * each time a running consumer gives up again, it waits twice as long before the next give-up, up
 * to {@link #MAX_BACKOFF} times the timeout, and a producer away for a day finds a few requests of
 * each mirror, not one per timeout.
 *
 * <p>One thread: the consumer's.
 */
public final class RepairRequester implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RepairRequester.class);
    /** How long after a destination could not be described it is tried again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    /** At most this many times the timeout between two requests given up one after the other. */
    static final int MAX_BACKOFF = 64;

    private final String mirror;
    private final String queue;
    private final RepairPolicy policy;
    private final RepairBook book;
    private final MirrorSurvey survey;
    private final BooleanSupplier markedByProducer;
    private final Clock clock;
    private boolean askAtStart;
    private boolean askedThisRun;
    private Instant lastAsked;
    private Instant askedAt; // Of the repair in flight, when this process asked it; null when it asked none.
    /** Of the repair in flight: when it was asked (or this process started), or a repair's message last came. */
    private Instant lastOwnSign;
    private Instant notBefore = Instant.MIN;
    private boolean overdueSaid;
    private int givenUpInARow; // Requests given up since the last sign of an answer.
    private String refusal; // Why the broker does not let this consumer ask, once it said so.

    /**
     * @param markedByProducer whether a producer says the mirror needs a repair (it dropped the
     *                         mirror's queue, and no repair of it was answered since): what the
     *                         consumer learnt at its start, a reason to ask until it asked once,
     *                         giving up a repair asked for before, whose answer went with the queue
     */
    public RepairRequester(String mirror, String queue, RepairPolicy policy, RepairBook book, MirrorSurvey survey,
                           BooleanSupplier markedByProducer, Clock clock) {
        this.mirror = mirror;
        this.queue = queue;
        this.policy = policy;
        this.book = book;
        this.survey = survey;
        this.markedByProducer = markedByProducer;
        this.clock = clock;
        // --repair-every counts from the last request, not from this start: a consumer restarted
        // more often than the period must still repair.
        this.lastAsked = book.lastAsked() != null ? book.lastAsked() : clock.instant();
        // A repair in flight from before counts from its request: a drain run now and then, shorter
        // than the timeout, must still give up one the producer took off unanswered. One being
        // answered right now has its messages waiting on the queue, which count before the first
        // idle moment.
        Instant now = clock.instant();
        boolean inFlight = book.repairInFlight() != null && book.lastAsked() != null;
        this.lastOwnSign = inFlight && book.lastAsked().isBefore(now) ? book.lastAsked() : now; // Not a clock set back.
        // A repair in flight from before compares the destination as it was then: --repair asks
        // again, once that one is done.
        this.askAtStart = policy.atStart();
        if (book.repairInFlight() != null) {
            log.info("repair {} of mirror '{}' was asked for before this start: waiting for its answer",
                    book.repairInFlight(), mirror);
        }
    }

    /**
     * At an idle moment: asks for a repair if one is due and none is in flight. The request is
     * committed, and recorded in the book, before this returns; call it between transactions.
     */
    public void atIdle(ControlChannel channel) throws JMSException {
        atIdle(channel, false);
    }

    /**
     * {@link #atIdle(ControlChannel)}, for a drain when {@code draining}: a repair this run asked
     * that is overdue is not asked again then; the drain ends on {@link #trouble()} instead.
     */
    public void atIdle(ControlChannel channel, boolean draining) throws JMSException {
        Instant now = clock.instant();
        String inFlight = book.repairInFlight();
        boolean dropped = !askedThisRun && markedByProducer.getAsBoolean();
        boolean overdue = inFlight != null && isOverdue(now) && !(draining && askedThisRun && policy.atStart());
        if (refusal != null || inFlight != null && !dropped && !overdue || now.isBefore(notBefore)
                || !(due(now) || overdue)) {
            return;
        }
        // A running consumer that keeps giving up waits longer each time; a drain asks once.
        boolean givingUpAgain = overdue && !dropped && !draining;
        if (overdue && !dropped) {
            log.warn("repair {} of mirror '{}' got no answer within {} of {}: given up, asking again", inFlight,
                    mirror, DurationText.format(patience()), askedAt != null ? "its request" : "this start");
        } else if (inFlight != null) {
            // The producer clears its mark once it answers a repair of the mirror: this one's answer,
            // if it was sent, went with the dropped queue.
            log.warn("repair {} of mirror '{}' is given up: a producer dropped the mirror's queue since it was "
                    + "asked for; asking again", inFlight, mirror);
        }
        String id = UUID.randomUUID().toString();
        Map<String, DirectoryDigest> digests;
        try {
            digests = survey.digests();
        } catch (IOException e) {
            log.warn("cannot describe mirror '{}' for a repair, trying again in {}: {}", mirror,
                    DurationText.format(RETRY_AFTER), e.getMessage());
            notBefore = now.plus(RETRY_AFTER);
            return;
        }
        try {
            int sent = sendFitting(channel, new ArrayList<>(digests.keySet()),
                    directories -> new RepairRequest(id, mirror, only(digests, directories)));
            channel.commit();
            book.asked(id, now);
            log.info("repair {} of mirror '{}': asked the producer of {}, with the digests of {} directories", id,
                    mirror, queue, sent);
        } catch (JMSSecurityException e) {
            refusal = "cannot ask for a repair of mirror " + mirror + ": the broker does not let this consumer "
                    + "write to " + WireFormat.controlQueueOf(queue) + " (" + e.getMessage() + ")";
            log.warn("{}; applying without", refusal);
            return;
        } catch (IOException e) {
            // Sent and committed; only the book could not say so. Asked again, the producer answers twice.
            log.warn("repair {} of mirror '{}' was asked for, but {}: it may be asked for again", id, mirror,
                    e.getMessage());
        }
        if (givingUpAgain) {
            givenUpInARow++; // Only once the new request is out: a failure to ask costs no patience.
        }
        askAtStart = false;
        askedThisRun = true;
        lastAsked = now;
        askedAt = now;
        lastOwnSign = clock.instant(); // Describing the destination took time the producer did not have.
        overdueSaid = false;
    }

    private boolean isOverdue(Instant now) {
        return !now.isBefore(lastOwnSign.plus(patience()));
    }

    /** How long the repair in flight may go without a sign: the timeout, doubled for each given up in a row. */
    private Duration patience() {
        return policy.timeout().multipliedBy(Math.min(MAX_BACKOFF, 1L << Math.min(givenUpInARow, 30)));
    }

    /**
     * Gives up the repair in flight, durably: a drain that waited for it in vain ends, and the next
     * run asks afresh rather than wait for an answer that may never come.
     */
    public void giveUp() throws IOException {
        if (book.repairInFlight() != null) {
            book.gaveUp();
        }
    }

    private boolean due(Instant now) {
        return askAtStart || book.repairWanted() || !askedThisRun && markedByProducer.getAsBoolean()
                || policy.every() != null && !now.isBefore(lastAsked.plus(policy.every()));
    }

    /**
     * A message a repair sent (an answer, or an event without a place in the stream) was taken off
     * the mirror's queue: a sign that the repair in flight is being answered. Live changes are none:
     * they come whether or not the producer still answers.
     */
    public void repairMessageTaken() {
        lastOwnSign = clock.instant();
        givenUpInARow = 0;
    }

    /**
     * Handles {@code answer}, taken off the mirror's queue in the current transaction: the listings
     * a describe of the repair in flight asks for are sent in that transaction; its done ends it.
     *
     * @throws IOException when the destination cannot be read: roll back, and try again later
     */
    public void answer(RepairMessage answer, ControlChannel channel) throws IOException, JMSException {
        repairMessageTaken();
        String kind = RepairMessages.kindOf(answer);
        String inFlight = book.repairInFlight();
        if (!answer.id().equals(inFlight)) {
            log.info("dropped a {} of repair {}: mirror '{}' {}", kind, answer.id(), mirror,
                    inFlight == null ? "awaits no repair" : "awaits repair " + inFlight);
        } else if (answer instanceof RepairDescribe describe) {
            describe(describe, channel);
        } else if (answer instanceof RepairDone done) {
            book.answered();
            log.info("repair {} of mirror '{}': {} events applied{}", done.id(), mirror, done.sent(),
                    askedAt == null ? "" : ", " + DurationText.format(Duration.between(askedAt, clock.instant()))
                            + " after it was asked for");
            askedAt = null;
            try {
                survey.release();
            } catch (IOException e) {
                log.warn("repair {} of mirror '{}': cannot keep the hashes it learned ({}); the next repair reads "
                        + "those files again", done.id(), mirror, e.getMessage());
            }
        } else {
            log.warn("dropped a {} of repair {} on the queue of mirror '{}': a question for the producer, "
                    + "not an answer", kind, answer.id(), mirror);
        }
    }

    private void describe(RepairDescribe describe, ControlChannel channel) throws IOException, JMSException {
        Map<String, List<ListedEntry>> listings = survey.listings(describe.directories());
        int sent = sendFitting(channel, new ArrayList<>(listings.keySet()),
                directories -> new RepairEntries(describe.id(), only(listings, directories)));
        log.info("repair {} of mirror '{}': listed {} of the {} directories the producer asked for", describe.id(),
                mirror, sent, describe.directories().size());
    }

    /** Builds one message from some of the directories, the first ones kept. */
    private interface Part {
        RepairMessage of(List<String> directories);
    }

    /**
     * Sends the message {@code part} makes of {@code directories}, or of as many of the first of
     * them as fit in one message; how many that was. A request always holds the root, which comes
     * first; the producer asks for what a listing left out.
     */
    private static int sendFitting(ControlChannel channel, List<String> directories, Part part) throws JMSException {
        for (int count = directories.size(); ; count = count / 2) {
            try {
                channel.send(part.of(directories.subList(0, count)));
                return count;
            } catch (IllegalArgumentException tooLarge) {
                if (count <= 1) {
                    throw tooLarge;
                }
            }
        }
    }

    private static <V> Map<String, V> only(Map<String, V> all, List<String> keys) {
        Map<String, V> some = new LinkedHashMap<>();
        keys.forEach(key -> some.put(key, all.get(key)));
        return some;
    }

    /**
     * What keeps a repair the caller waits for from finishing, or null: the broker refused the
     * request, or no sign of a producer came for the timeout while it was in flight.
     */
    public String trouble() {
        if (refusal != null) {
            return refusal;
        }
        if (book.repairInFlight() == null || !isOverdue(clock.instant())) {
            return null;
        }
        return "no producer answered the repair request of mirror " + mirror + " within "
                + DurationText.format(patience()) + " (is a producer of queue " + queue + " running?)";
    }

    /** For a consumer that runs on: says {@link #trouble()} in the log, once per request. */
    public void warnOfTrouble() {
        String trouble = refusal == null ? trouble() : null; // A refusal was said when it came.
        if (trouble != null && !overdueSaid) {
            overdueSaid = true;
            log.warn("{}; applying and waiting on", trouble);
        }
    }

    /**
     * Whether a drain must wait on: {@code --repair} was given, and a repair is still to ask for or
     * in flight.
     */
    public boolean holdsDrainOpen() {
        return policy.atStart() && (askAtStart || book.repairInFlight() != null || book.repairWanted());
    }

    @Override
    public void close() throws IOException {
        survey.close();
    }
}
