package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A destination inside a fresh temporary directory, with bait next to it, to check that nothing
 * a hostile message does reaches outside the destination.
 *
 * <p>jqwik runs many tries per property and does not use JUnit's {@code @TempDir}, so each try
 * makes (and removes) its own sandbox.
 */
final class Sandbox implements AutoCloseable {

    /** Linux's limit of a path given to a system call: deeper, a link's target cannot be resolved by its absolute path. */
    private static final int PATH_MAX = 4096;

    private final Path parent;
    private final Path destination;
    private final Map<String, String> outsideBefore;

    private Sandbox(Path parent, Path destination) throws IOException {
        this.parent = parent;
        this.destination = destination;
        this.outsideBefore = outside();
    }

    /** A sandbox whose destination exists (empty) next to a directory and a file that must stay as they are. */
    static Sandbox create() throws IOException {
        Path parent = Files.createTempDirectory(scratchSpace(), "ferry-sandbox").toRealPath();
        Files.writeString(Files.createDirectories(parent.resolve("outside/sub")).resolve("bait.txt"), "bait");
        Files.writeString(parent.resolve("x"), "a sibling named like a tree entry");
        return new Sandbox(parent, Files.createDirectory(parent.resolve("dst")));
    }

    /**
     * Where sandboxes go: tmpfs when there is one, because a try fsyncs a dozen times and the
     * properties are about where writes land, not whether they survive a crash.
     */
    private static Path scratchSpace() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    Path destination() {
        return destination;
    }

    /** Opens the replica at the destination, as the consumer does. */
    Replica openReplica() throws IOException {
        return Replica.open(destination, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
    }

    /**
     * Then: everything outside the destination is as it was, no link in the destination points
     * out of it, and the consumer's bookkeeping under .ferry is still its own.
     */
    void assertConfined() throws IOException {
        assertThat(outside()).as("everything outside the destination").isEqualTo(outsideBefore);
        assertThat(escapingLinks()).as("links in the destination that point out of it").isEmpty();
        Path bookkeeping = destination.resolve(".ferry");
        assertThat(Files.isDirectory(bookkeeping, LinkOption.NOFOLLOW_LINKS)).as(".ferry is a directory").isTrue();
        assertThat(Files.isDirectory(bookkeeping.resolve("staging"), LinkOption.NOFOLLOW_LINKS))
                .as(".ferry/staging is a directory").isTrue();
        assertThat(Files.isRegularFile(bookkeeping.resolve("ledger.journal"), LinkOption.NOFOLLOW_LINKS))
                .as(".ferry/ledger.journal is a file").isTrue();
        assertThat(Files.isRegularFile(bookkeeping.resolve("lock"), LinkOption.NOFOLLOW_LINKS))
                .as(".ferry/lock is a file").isTrue();
        assertThat(Files.isRegularFile(bookkeeping.resolve("mirror"), LinkOption.NOFOLLOW_LINKS))
                .as(".ferry/mirror is a file").isTrue();
    }

    /** Every entry under the parent except the destination: its type, size, time and content or target. */
    private Map<String, String> outside() throws IOException {
        Map<String, String> entries = new TreeMap<>();
        Files.walkFileTree(parent, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(destination)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(parent.relativize(dir) + "/", "dir " + attrs.lastModifiedTime());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String what = attrs.isSymbolicLink() ? "link -> " + Files.readSymbolicLink(file)
                        : "file " + attrs.size() + " " + attrs.lastModifiedTime() + " "
                        + new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                entries.put(parent.relativize(file).toString(), what);
                return FileVisitResult.CONTINUE;
            }
        });
        return entries;
    }

    /**
     * Links in the destination whose target, read from where the link is, lies outside the
     * destination. Listed by {@code find}, not by a Java walk: the consumer makes its changes through
     * directory handles, so a tree deeper than PATH_MAX (4,096 bytes) can be applied, and a walk by
     * absolute paths fails on it with "File name too long" (a jqwik try did so).
     */
    private List<String> escapingLinks() throws IOException {
        Process find = new ProcessBuilder("find", destination.toString(), "-type", "l", "-printf", "%P\\0%l\\0")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] fields = new String(find.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\0");
        try {
            if (!find.waitFor(30, TimeUnit.SECONDS) || find.exitValue() != 0) {
                throw new IOException("find in " + destination + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing the links in " + destination, e);
        }
        List<String> escaping = new ArrayList<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Path link = destination.resolve(fields[i]);
            String target = fields[i + 1];
            boolean inside = link.getParent().resolve(target).normalize().startsWith(destination)
                    && (link.toString().length() >= PATH_MAX || !Files.exists(link)
                    || link.toRealPath().startsWith(destination));
            if (!inside) {
                escaping.add(fields[i] + " -> " + target);
            }
        }
        return escaping;
    }

    @Override
    public void close() throws IOException {
        TreeRemoval.remove(parent);
    }
}
