package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs of the test's own, for a destination whose disk fills up or turns read-only: the
 * tests run as root, and permission bits do not stop root.
 *
 * <p>Mounting needs root (CAP_SYS_ADMIN); where it is refused, the test is skipped with the reason.
 * {@link #close()} unmounts whatever is still mounted, lazily if a process still holds it.
 */
final class Tmpfs implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_LAYERS = 4;

    private final Path root;

    private Tmpfs(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs of {@code megabytes} on the directory {@code mountPoint}, or skips the test. */
    static Tmpfs mount(Path mountPoint, int megabytes) {
        Result mounted = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs",
                mountPoint.toString());
        Assumptions.assumeTrue(mounted.code() == 0, () -> {
            String reason = "cannot mount a tmpfs on " + mountPoint + " (needs root): " + mounted.output();
            System.err.println("Skipped: " + reason);
            return reason;
        });
        return new Tmpfs(mountPoint);
    }

    Path root() {
        return root;
    }

    /** Bytes a new file can still take. */
    long freeBytes() {
        try {
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + root, e);
        }
    }

    /** Writes the file {@code name} at the root, as large as it takes to leave only {@code leftFree} bytes free. */
    Path fillLeaving(String name, long leftFree) {
        Path filler = root.resolve(name);
        long size = freeBytes() - leftFree;
        if (size <= 0) {
            fail("%s has only %d bytes free, fewer than the %d to leave", root, freeBytes(), leftFree);
        }
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the filler " + filler, e);
        }
        return filler;
    }

    /**
     * Makes the tmpfs read-only for every path lookup. A plain {@code mount -o remount,ro} is
     * refused (EBUSY) while any file on it is open for writing, and a running consumer always holds
     * its lock and ledger open; so a read-only bind mount of the tmpfs is stacked on itself. New
     * opens, creates, renames and deletes under the root then fail with "Read-only file system",
     * while descriptors opened before stay writable on the tmpfs underneath.
     */
    void makeReadOnly() {
        mustSucceed("mount", "--bind", root.toString(), root.toString());
        mustSucceed("mount", "-o", "remount,ro,bind", root.toString());
    }

    /** Undoes {@link #makeReadOnly()}: the stacked bind mount becomes writable again. */
    void makeWritable() {
        mustSucceed("mount", "-o", "remount,rw,bind", root.toString());
    }

    /** Unmounts every layer still mounted at the root; lazily ({@code umount -l}) one that is busy. */
    @Override
    public void close() {
        for (int layer = 0; layer < MAX_LAYERS && isMountPoint(); layer++) {
            if (run("umount", root.toString()).code() != 0) {
                mustSucceed("umount", "-l", root.toString());
            }
        }
        if (isMountPoint()) {
            fail("%s is still a mount point after %d unmounts", root, MAX_LAYERS);
        }
    }

    private boolean isMountPoint() {
        return run("mountpoint", "-q", root.toString()).code() == 0;
    }

    private static void mustSucceed(String... command) {
        Result result = run(command);
        if (result.code() != 0) {
            fail("`%s` failed with %d: %s", String.join(" ", command), result.code(), result.output());
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("`%s` did not finish within %s", String.join(" ", command), COMMAND_TIMEOUT);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            // No mount command at all: as good as no permission to mount.
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + args, e);
        }
    }
}
