package dev.ferry.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link Producer#watch()} run on a thread of its own, as a live producer runs it, for tests that change its tree meanwhile. */
final class WatchingThread {

    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private WatchingThread() {
    }

    static WatchingThread start(Producer producer) {
        WatchingThread watching = new WatchingThread();
        Thread thread = new Thread(() -> {
            try {
                producer.watch();
                watching.ended.complete(null);
            } catch (Throwable e) {
                watching.ended.completeExceptionally(e);
            }
        }, "watch");
        thread.setDaemon(true);
        thread.start();
        return watching;
    }

    /** Waits for the watch to end (after {@link Producer#close()}): returns for a clean stop, throws what it failed with. */
    void awaitEnd(Duration timeout) throws Exception {
        ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
