package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who may write into the source swaps a directory of it for a symlink to a directory
 * outside, and back, again and again while the producer publishes: whatever the timing, nothing
 * of what lies outside (a file's bytes, a symlink's target) is ever published.
 */
class LinkSwapRaceTest {

    /** One chunk: the producer's look after reading is then as close to its open as it gets. */
    private static final int FILE_BYTES = 1000;
    private static final Duration RACE = Duration.ofSeconds(6);
    private static final Duration REAL_PHASE = Duration.ofNanos(100_000);
    /** A tenth of what a 2-core machine publishes from inside meanwhile. */
    private static final int MIN_PUBLISHES = 50;
    private static final String FILE = "the bytes of the file outside";
    private static final String LINK = "the target of the link outside";

    @TempDir
    Path temp;

    @Test
    void aDirectorySwappedForALinkOutOfTheTreeAndBackNeverLeaksWhatTheLinkLeadsTo() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        String secret = UUID.randomUUID().toString();
        Path real = tree.mkdirs("dir");
        Files.write(real.resolve("data.bin"), filled("published from inside "));
        Files.createSymbolicLink(real.resolve("link"), Path.of("inside-target"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.write(outside.resolve("data.bin"), filled(secret));
        Files.createSymbolicLink(outside.resolve("link"), Path.of(secret));
        Swapper swapper = new Swapper(real, temp.resolve("aside"),
                Files.createSymbolicLink(temp.resolve("link-to-outside"), outside));
        RecordingSink sink = new RecordingSink();

        int rounds = 0;
        long deadline = System.nanoTime() + RACE.toNanos();
        List<RecordingSink.Message> sent;
        try (Producer producer = Producer.open(tree.settings(Duration.ofMillis(1), 256), sink, SETTLED_CLOCK)) {
            swapper.start();
            while (System.nanoTime() < deadline) {
                producer.publishOnce();
                rounds++;
            }
            swapper.stop();
            sent = sink.sentMessages();
        } finally {
            swapper.stop();
        }

        List<String> leaks = sent.stream().map(message -> leakIn(message, secret)).filter(Objects::nonNull).toList();
        long files = count(sent, "dir/data.bin", PutFile.class) - leaks.stream().filter(l -> l.startsWith(FILE)).count();
        long links = count(sent, "dir/link", PutSymlink.class) - leaks.stream().filter(l -> l.startsWith(LINK)).count();
        System.out.printf("link swap race: %d rounds, %d swaps; published from inside: dir/data.bin %d times, "
                + "dir/link %d times; leaks: %d%n", rounds, swapper.swaps(), files, links, leaks.size());
        assertThat(leaks).as("what lies outside the tree reached the sink").isEmpty();
        assertThat(files).as("the race must have been run, not only set up").isGreaterThanOrEqualTo(MIN_PUBLISHES);
        assertThat(links).as("the race must have been run, not only set up").isGreaterThanOrEqualTo(MIN_PUBLISHES);
    }

    /**
     * Found in review: the directory a file is opened in may be another real one that stood at
     * its path for a moment (renamed in, and out again before the look after reading). Its file
     * of that name must never be published as the file seen, with that file's metadata.
     */
    @Test
    void aDirectoryMovedInForAMomentNeverLendsItsFileToTheFileSeen() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        String secret = UUID.randomUUID().toString();
        Path real = tree.mkdirs("dir");
        Files.write(real.resolve("data.bin"), filled("published from inside "));
        Files.createSymbolicLink(real.resolve("link"), Path.of("inside-target"));
        Path impostor = Files.createDirectories(temp.resolve("impostor"));
        Files.write(impostor.resolve("data.bin"), filled(secret));
        FileTime impostorTime = FileTime.fromMillis(1_262_304_000_000L); // 2010, never the inside file's
        Files.setLastModifiedTime(impostor.resolve("data.bin"), impostorTime);
        Files.createSymbolicLink(impostor.resolve("link"), Path.of("impostor-target"));
        Swapper swapper = new Swapper(real, temp.resolve("aside"), impostor);
        RecordingSink sink = new RecordingSink();

        long deadline = System.nanoTime() + RACE.toNanos();
        try (Producer producer = Producer.open(tree.settings(Duration.ofMillis(1), 256), sink, SETTLED_CLOCK)) {
            swapper.start();
            while (System.nanoTime() < deadline) {
                producer.publishOnce();
            }
        } finally {
            swapper.stop();
        }

        // The impostor's file published as itself, while it stood in the tree, is fine; its bytes
        // under the inside file's modification time are the inside file swapped for another.
        long impostorNanos = impostorTime.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        List<String> mixed = sink.sentMessages().stream()
                .filter(message -> message.event() instanceof PutFile put && put.mtimeNanos() != impostorNanos
                        && holds(message.body(), secret))
                .map(message -> message.event().toString()).toList();
        long inside = count(sink.sentMessages(), "dir/data.bin", PutFile.class);
        System.out.printf("directory swap race: %d swaps; dir/data.bin published %d times; mixed: %d%n",
                swapper.swaps(), inside, mixed.size());
        assertThat(mixed).as("another file's bytes published as the file seen").isEmpty();
        assertThat(inside).as("the race must have been run, not only set up").isGreaterThanOrEqualTo(MIN_PUBLISHES);
    }

    private static long count(List<RecordingSink.Message> sent, String path, Class<? extends ChangeEvent> type) {
        return sent.stream().filter(message -> type.isInstance(message.event())
                && message.event().path().text().equals(path)).count();
    }

    /** What of the outside {@code message} carries, or null when it carries nothing of it. */
    private static String leakIn(RecordingSink.Message message, String secret) {
        ChangeEvent event = message.event();
        if (event instanceof PutSymlink link && link.target().contains(secret)) {
            return LINK + ", as " + link.path();
        }
        if (holds(message.body(), secret)) {
            return FILE + ", as " + event.path() + " (" + event.getClass().getSimpleName() + ")";
        }
        return null;
    }

    /**
     * Swaps {@code dir} for {@code impostor} (a link to a directory outside, or another real
     * directory) and back, on a thread of its own: the impostor stays for as short a time as it
     * can, the real directory (which waits at {@code aside}, out of the tree too, meanwhile) for
     * {@link #REAL_PHASE}. Each time it is back, its file has a new modification time and its link
     * a new target, so that the producer reads them again. Of the timings tried, this one leaked
     * most often on the code before directory handles.
     */
    private static final class Swapper {
        private final Path dir;
        private final Path aside;
        private final Path impostor;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong swaps = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;

        Swapper(Path dir, Path aside, Path impostor) {
            this.dir = dir;
            this.aside = aside;
            this.impostor = impostor;
        }

        void start() {
            thread = new Thread(() -> {
                try {
                    for (long round = 0; !stop.get(); round++) {
                        Files.setLastModifiedTime(dir.resolve("data.bin"), FileTime.fromMillis(946_684_800_000L + round));
                        Files.delete(dir.resolve("link"));
                        Files.createSymbolicLink(dir.resolve("link"), Path.of("inside-target-" + round % 2));
                        move(dir, aside);
                        move(impostor, dir);
                        move(dir, impostor);
                        move(aside, dir);
                        holdFor(REAL_PHASE);
                        swaps.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "swapper");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            if (thread == null || !stop.compareAndSet(false, true)) {
                return;
            }
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(failure.get()).as("the swapper failed").isNull();
        }

        /** Busy, not asleep: a sleep lasts a scheduler tick, a thousand swaps' time. */
        private static void holdFor(Duration phase) {
            long end = System.nanoTime() + phase.toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }

        long swaps() {
            return swaps.get();
        }

        private static void move(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** {@value #FILE_BYTES} characters of {@code pattern} over and over, as bytes. */
    private static byte[] filled(String pattern) {
        return pattern.repeat(FILE_BYTES / pattern.length() + 1).substring(0, FILE_BYTES).getBytes(ISO_8859_1);
    }

    /** Whether {@code body} holds {@code secret} (text, as every secret of this test is). */
    private static boolean holds(byte[] body, String secret) {
        return new String(body, ISO_8859_1).contains(secret);
    }
}
