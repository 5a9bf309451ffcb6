package dev.ferry.tests;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process in a user namespace of its own, where a per-user limit of the kernel can be
 * lowered for it alone: {@code /proc/sys/user/max_inotify_watches} is the namespace's own, while
 * {@code /proc/sys/fs/inotify/max_user_watches} is the whole machine's and must never be written
 * by a test.
 */
final class UserNamespace {

    private UserNamespace() {
    }

    /** Whether {@code unshare --user --map-root-user} works here (util-linux, and user namespaces allowed). */
    static boolean available() {
        try {
            Process probe = new ProcessBuilder("unshare", "--user", "--map-root-user", "sh", "-c",
                    "test -w /proc/sys/user/max_inotify_watches").redirectErrorStream(true).start();
            probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sets the limit of inotify watches in the user namespace of process {@code pid} (started {@link #withInotifyWatches}). */
    static void setInotifyWatches(long pid, int watches) throws IOException, InterruptedException {
        Process set = new ProcessBuilder("nsenter", "--target", Long.toString(pid), "--user", "sh", "-c",
                "echo " + watches + " > /proc/sys/user/max_inotify_watches").inheritIO().start();
        if (!set.waitFor(10, TimeUnit.SECONDS)) {
            set.destroyForcibly();
            throw new IOException("nsenter did not set the inotify watch limit of process " + pid + " within 10 s");
        }
        if (set.exitValue() != 0) {
            throw new IOException("nsenter could not set the inotify watch limit of the user namespace of process "
                    + pid + ": exit " + set.exitValue());
        }
    }

    /**
     * A command prefix that runs the rest of the command line in a new user namespace whose limit of
     * inotify watches is {@code watches}; {@code unshare} without {@code --fork} and {@code exec}
     * keep the process the one started.
     */
    static List<String> withInotifyWatches(int watches) {
        return List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo " + watches + " > /proc/sys/user/max_inotify_watches && exec \"$@\"", "sh");
    }
}
