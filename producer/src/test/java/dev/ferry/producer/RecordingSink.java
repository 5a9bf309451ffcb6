package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A broker in memory: records what was sent and what was committed, can refuse to commit, and can
 * go away for a while, as a real broker does: the connection is then lost, and stays lost, with
 * what it had not committed, until the producer reconnects after the broker is back.
 */
final class RecordingSink implements ChangeSink {

    /** One message: the event, a copy of its body, and its number in the stream. */
    record Message(ChangeEvent event, byte[] body, long streamSeq) {
    }

    private final List<Message> sent = new ArrayList<>();
    private int committed;
    private int commits;
    private boolean failCommits;
    private boolean loseCommitAnswers;
    private boolean closed;
    private boolean away;
    private boolean connectionLost;
    private int reconnectAttempts;
    private int reconnects;
    private Consumer<ChangeEvent> onSend = event -> { };
    private StreamSequence stream;

    @Override
    public synchronized void useStream(StreamSequence sequence) {
        this.stream = sequence;
    }

    @Override
    public synchronized void send(ChangeEvent event, byte[] body, int length) throws IOException {
        if (closed) {
            throw new IOException("sink is closed");
        }
        checkConnected();
        // Each event is a message of its own here: this sink bundles nothing.
        sent.add(new Message(event, length == 0 ? new byte[0] : Arrays.copyOf(body, length), stream.next()));
        onSend.accept(event);
    }

    @Override
    public synchronized void commit() throws IOException {
        checkConnected();
        if (failCommits) {
            sent.subList(committed, sent.size()).clear(); // A failed commit rolls the transaction back.
            throw new IOException("broker test-broker, queue ferry.changes: committing failed (test)");
        }
        committed = sent.size();
        commits++;
        if (loseCommitAnswers) {
            throw new IOException("broker test-broker, queue ferry.changes: no answer to the commit (test)");
        }
    }

    @Override
    public synchronized void checkConnected() throws BrokerUnavailableException {
        if (away) {
            connectionLost = true;
        }
        if (connectionLost) {
            sent.subList(committed, sent.size()).clear(); // The transaction is lost with the connection.
            throw new BrokerUnavailableException("test-broker", "connection lost (test)", null);
        }
    }

    @Override
    public synchronized void reconnect() throws IOException {
        if (closed) {
            throw new IOException("sink is closed");
        }
        reconnectAttempts++;
        if (away) {
            throw new BrokerUnavailableException("test-broker", "connection refused (test)", null);
        }
        connectionLost = false;
        reconnects++;
    }

    @Override
    public synchronized void close() {
        sent.subList(committed, sent.size()).clear();
        closed = true;
    }

    /** Takes the broker away (the connection is lost from the next use on), or brings it back. */
    synchronized void brokerAway(boolean away) {
        this.away = away;
    }

    /** How often the producer tried to reconnect, successfully or not. */
    synchronized int reconnectAttempts() {
        return reconnectAttempts;
    }

    /** How often the producer reconnected successfully. */
    synchronized int reconnects() {
        return reconnects;
    }

    /** Commits, then reports a failure: the broker committed but the answer was lost on the way. */
    synchronized void loseCommitAnswers(boolean lose) {
        this.loseCommitAnswers = lose;
    }

    synchronized void failCommits(boolean fail) {
        this.failCommits = fail;
    }

    /** Runs {@code hook} right after each send, on the producer's thread (while it reads a file, for instance). */
    synchronized void onSend(Consumer<ChangeEvent> hook) {
        this.onSend = hook;
    }

    synchronized List<Message> sentMessages() {
        return List.copyOf(sent);
    }

    synchronized List<ChangeEvent> sent() {
        return sent.stream().map(Message::event).toList();
    }

    synchronized List<ChangeEvent> committed() {
        return sent.subList(0, committed).stream().map(Message::event).toList();
    }

    /** The stream numbers of the committed messages, in the order they were sent. */
    synchronized List<Long> committedStreamSeqs() {
        return sent.subList(0, committed).stream().map(Message::streamSeq).toList();
    }

    /** The id of the stream the producer numbers its messages in. */
    synchronized String streamId() {
        return stream.id();
    }

    synchronized int commits() {
        return commits;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The committed changes in words, one per change (chunks and aborts left out). */
    synchronized List<String> committedChanges() {
        return committed().stream().map(RecordingSink::describe).filter(line -> line != null).toList();
    }

    /** A change in words: "put a/b.txt", "dir a", "symlink l -> t", "delete x", "rename a -> b", "attributes a". */
    static String describe(ChangeEvent event) {
        if (event instanceof PutFile file) {
            return "put " + file.path();
        }
        if (event instanceof PutDirectory dir) {
            return "dir " + dir.path();
        }
        if (event instanceof PutSymlink link) {
            return "symlink " + link.path() + " -> " + link.target();
        }
        if (event instanceof Delete delete) {
            return "delete " + delete.path();
        }
        if (event instanceof Rename rename) {
            return "rename " + rename.from() + " -> " + rename.path();
        }
        if (event instanceof ChangeEvent.PutAttributes attributes) {
            return "attributes " + attributes.path();
        }
        if (event instanceof FileChunk || event instanceof Abort) {
            return null;
        }
        throw new IllegalArgumentException("unknown event " + event);
    }
}
