package dev.ferry.producer;

import dev.ferry.ignore.IgnoreRules;
import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.verify.DigestedTree;
import dev.ferry.verify.HashCache;
import dev.ferry.verify.TreeEntry;
import dev.ferry.verify.TreeReader;
import dev.ferry.verify.TreeView;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.Abort;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutAttributes;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.ChangeEvent.Rename;
import dev.ferry.wire.DirectoryDigest;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.ListedEntry;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.CommandTypes;
import org.apache.activemq.openwire.OpenWireFormat;

/**
 * The consumer's part of a repair, played by hand against a real broker: a mirror at {@code root}
 * that describes itself as the design says (digests, then listings), and applies what arrives on
 * its queue the simplest faithful way (an event only where its number is newer than what was
 * applied at the path or above it; a directory's time kept while an entry in it changes). It
 * counts what it received, and the bytes it and the producer put on the wire for the repair.
 */
final class HandMirror implements AutoCloseable {

    /** One message taken off the mirror's queue: its events, or its repair message. */
    record Received(List<ChangeEvent> events, RepairMessage repair, long wireBytes) {
    }

    /** As brokers and clients negotiate it over TCP (tight encoding), without its cache of repeated strings. */
    private static final OpenWireFormat OPENWIRE = new OpenWireFormat(CommandTypes.PROTOCOL_VERSION);

    static {
        OPENWIRE.setTightEncodingEnabled(true);
    }

    final Path root;
    private final String mirror;
    private final String queue;
    private final Connection connection;
    private final Session session;
    private final MessageConsumer fromQueue;
    private final MessageProducer toControl;
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Long> nodeSeqs = new HashMap<>();
    private final Map<String, Long> subtreeSeqs = new HashMap<>();
    private final Map<String, ByteArrayOutputStream> staged = new HashMap<>();
    private long sentBytes;
    private java.util.function.Consumer<ChangeEvent> onApplied = event -> { };

    HandMirror(BrokerEndpoint endpoint, String queue, String mirror, Path root) throws JMSException, IOException {
        this.root = Files.createDirectories(root);
        this.mirror = mirror;
        this.queue = queue;
        this.connection = endpoint.connect(null, 100);
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        this.fromQueue = session.createConsumer(session.createQueue(WireFormat.mirrorQueueOf(mirror, queue)));
        this.toControl = session.createProducer(session.createQueue(WireFormat.controlQueueOf(queue)));
    }

    /** Sends a request with the digests of every directory of the mirror; returns its id. */
    String requestRepair() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, DirectoryDigest> digests = new HashMap<>();
        DigestedTree tree = DigestedTree.of(reader());
        for (String directory : directories(tree)) {
            digests.put(directory, tree.digest(directory));
        }
        send(new RepairRequest(id, mirror, digests));
        return id;
    }

    /** The whole repair: a request, then the listings it is asked for, until it is done; within {@code within}. */
    RepairDone repair(Duration within) throws Exception {
        String id = requestRepair();
        while (true) {
            RepairMessage answer = awaitAnswer(id, within);
            if (answer instanceof RepairDone done) {
                return done;
            }
            describe((RepairDescribe) answer);
        }
    }

    /** Applies what arrives until the answer of repair {@code id} does, and returns it. */
    RepairMessage awaitAnswer(String id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Received next = receive(200);
            if (next != null && next.repair() != null && next.repair().id().equals(id)) {
                return next.repair();
            }
        }
        throw new AssertionError("no answer to repair " + id + " within " + within);
    }

    /** Applies what arrives until the first event does. */
    void awaitFirstEvent(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Received next = receive(200);
            if (next != null && !next.events().isEmpty()) {
                return;
            }
        }
        throw new AssertionError("no event within " + within);
    }

    /** Sends the listings {@code describe} asks for. */
    void describe(RepairDescribe describe) throws Exception {
        TreeReader reader = reader();
        DigestedTree digests = DigestedTree.of(reader);
        Map<String, List<ListedEntry>> listings = new LinkedHashMap<>();
        for (String directory : describe.directories()) {
            if (Files.isDirectory(resolve(directory), LinkOption.NOFOLLOW_LINKS)) {
                listings.put(directory, listing(reader, digests, directory));
            }
        }
        send(new RepairEntries(describe.id(), listings));
    }

    /** Applies what arrives until nothing has for {@code quiet}. */
    void drain(Duration quiet) throws Exception {
        while (receive(quiet.toMillis()) != null) {
            // Applied as it came.
        }
    }

    /** Everything taken off the mirror's queue so far. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** Runs {@code hook} after each event is applied (or found stale), on the thread that takes messages. */
    void onApplied(java.util.function.Consumer<ChangeEvent> hook) {
        this.onApplied = hook;
    }

    /** Forgets what was received so far, to count what comes next. */
    void forgetReceived() {
        received.clear();
        sentBytes = 0;
    }

    /** The bytes this mirror put on the wire for repairs (its messages as OpenWire marshals them). */
    long sentBytes() {
        return sentBytes;
    }

    /** Whether the mirror holds what {@code source} holds, under the default ignore rules. */
    boolean equals(Path source) throws IOException {
        IgnoreRules rules = IgnoreSettings.DEFAULTS.rulesFor(source);
        return dev.ferry.verify.TreeComparison.compare(new TreeReader(source, rules), new TreeReader(root, rules),
                difference -> { }).equal();
    }

    private Received receive(long waitMillis) throws Exception {
        Message message = fromQueue.receive(waitMillis);
        if (message == null) {
            return null;
        }
        Received next;
        if (RepairMessages.isRepairMessage(message)) {
            next = new Received(List.of(), RepairMessages.decode(message), wireBytes(message));
        } else {
            EventMessages.Applicable applicable = EventMessages.decodeApplicable(message);
            byte[] body = EventMessages.decodedBody(message);
            for (int i = 0; i < applicable.events().size(); i++) {
                ChangeEvent event = applicable.events().get(i);
                int offset = applicable.bodyOffsets().get(i);
                apply(event, java.util.Arrays.copyOfRange(body, offset, offset + (int) bodyLength(event)));
                onApplied.accept(event);
            }
            next = new Received(applicable.events(), null, wireBytes(message));
        }
        received.add(next);
        return next;
    }

    private void send(RepairMessage repair) throws JMSException, IOException {
        BytesMessage message = RepairMessages.encode(session, repair);
        message.setJMSReplyTo(session.createQueue(WireFormat.mirrorQueueOf(mirror, queue)));
        toControl.send(message);
        sentBytes += wireBytes(message);
    }

    private List<ListedEntry> listing(TreeReader reader, DigestedTree digests, String directory) throws IOException {
        List<ListedEntry> entries = new ArrayList<>();
        for (Map.Entry<String, TreeEntry> named : reader.list(directory).entries().entrySet()) {
            String name = named.getKey();
            String path = directory.isEmpty() ? name : directory + "/" + name;
            TreeEntry entry = named.getValue();
            entries.add(switch (entry.type()) {
                case FILE -> new ListedEntry.File(name, entry.size(), entry.mode(), entry.mtimeMillis(),
                        reader.sha256(path));
                case DIRECTORY -> new ListedEntry.Directory(name, entry.mode(), entry.mtimeMillis(),
                        digests.digest(path));
                case SYMLINK -> new ListedEntry.Symlink(name, entry.target());
                case SPECIAL -> new ListedEntry.Special(name);
            });
        }
        return entries;
    }

    private TreeReader reader() throws IOException {
        return new TreeReader(HashCache.inMemory(root), IgnoreSettings.DEFAULTS.rulesFor(root));
    }

    private List<String> directories(TreeView tree) throws IOException {
        List<String> directories = new ArrayList<>();
        List<String> unvisited = new ArrayList<>(List.of(""));
        while (!unvisited.isEmpty()) {
            String directory = unvisited.remove(unvisited.size() - 1);
            directories.add(directory);
            tree.list(directory).entries().forEach((name, entry) -> {
                if (entry.type() == TreeEntry.Type.DIRECTORY) {
                    unvisited.add(directory.isEmpty() ? name : directory + "/" + name);
                }
            });
        }
        return directories;
    }

    private void apply(ChangeEvent event, byte[] body) throws IOException {
        String path = event.path().text();
        if (isStale(path, event.seq()) && !(event instanceof Rename)) {
            return;
        }
        Path target = resolve(path);
        String staging = path + "#" + event.seq();
        if (event instanceof FileChunk) {
            staged.computeIfAbsent(staging, key -> new ByteArrayOutputStream()).writeBytes(body);
        } else if (event instanceof Abort) {
            staged.remove(staging);
        } else if (event instanceof PutFile file) {
            ByteArrayOutputStream whole = staged.getOrDefault(staging, new ByteArrayOutputStream());
            staged.remove(staging);
            whole.writeBytes(body);
            keepingParentTime(target, () -> {
                removeAll(target);
                Files.write(target, whole.toByteArray());
            });
            setAttributes(target, file.mode(), file.mtimeNanos());
            nodeSeqs.put(path, file.seq());
        } else if (event instanceof PutDirectory directory) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                keepingParentTime(target, () -> {
                    removeAll(target);
                    Files.createDirectory(target);
                });
            }
            setAttributes(target, directory.mode(), directory.mtimeNanos());
            nodeSeqs.put(path, directory.seq());
        } else if (event instanceof PutAttributes attributes) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                setAttributes(target, attributes.mode(), attributes.mtimeNanos());
            }
            nodeSeqs.put(path, attributes.seq());
        } else if (event instanceof PutSymlink link) {
            keepingParentTime(target, () -> {
                removeAll(target);
                Files.createSymbolicLink(target, Path.of(link.target()));
            });
            nodeSeqs.put(path, link.seq());
        } else if (event instanceof Delete delete) {
            keepingParentTime(target, () -> removeAll(target));
            subtreeSeqs.put(path, delete.seq());
        } else if (event instanceof Rename rename) {
            Path from = resolve(rename.from().text());
            keepingParentTime(target, () -> {
                removeAll(target);
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(from, target);
                }
            });
            subtreeSeqs.put(rename.from().text(), rename.seq());
            subtreeSeqs.put(path, rename.seq());
        }
    }

    /** Whether something at least as new was applied at {@code path} or deleted above it. */
    private boolean isStale(String path, long seq) {
        if (nodeSeqs.getOrDefault(path, 0L) >= seq) {
            return true;
        }
        for (String above = path; above != null;
             above = above.contains("/") ? above.substring(0, above.lastIndexOf('/')) : null) {
            if (subtreeSeqs.getOrDefault(above, 0L) >= seq) {
                return true;
            }
        }
        return false;
    }

    private interface Change {
        void run() throws IOException;
    }

    /** Makes {@code change} at {@code target}, its directory made if need be, keeping that directory's time. */
    private void keepingParentTime(Path target, Change change) throws IOException {
        Path parent = target.getParent();
        FileTime before = Files.isDirectory(parent) ? Files.getLastModifiedTime(parent) : null;
        Files.createDirectories(parent);
        change.run();
        if (before != null) {
            Files.setLastModifiedTime(parent, before);
        }
    }

    private static void setAttributes(Path target, int mode, long mtimeNanos) throws IOException {
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString(
                rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode)));
        Files.setLastModifiedTime(target, FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS));
    }

    private static String rwx(int bits) {
        return ((bits & 4) != 0 ? "r" : "-") + ((bits & 2) != 0 ? "w" : "-") + ((bits & 1) != 0 ? "x" : "-");
    }

    private static void removeAll(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(target);
            return;
        }
        try (Stream<Path> paths = Files.walk(target)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private Path resolve(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    private static long bodyLength(ChangeEvent event) {
        return event instanceof FileChunk chunk ? chunk.length() : event instanceof PutFile file ? file.length() : 0;
    }

    /** The size of {@code message} as OpenWire puts it on the wire. */
    private static long wireBytes(Message message) throws IOException {
        return OPENWIRE.marshal((ActiveMQMessage) message).getLength();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
