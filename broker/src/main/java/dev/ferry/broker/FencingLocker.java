package dev.ferry.broker;

import java.time.Duration;
import org.apache.activemq.store.SharedFileLocker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KahaDB's lock for a broker that takes a data directory over from another. Taking the store's
 * lock rewrites its lock file, and that rewrite is what the broker it replaces looks for at its
 * next check of the lock (every {@link EmbeddedBroker#LOCK_KEEP_ALIVE}), when it stops: on a shared
 * file system that broker may still be alive (an NFS lease that expired while its host was cut
 * off) without knowing it lost its own lock. So this waits that long after the lock is taken and
 * before the store is opened, as the distribution's shared-file-locker does after it waited.
 */
final class FencingLocker extends SharedFileLocker {

    private static final Logger LOG = LoggerFactory.getLogger(FencingLocker.class);

    private final Duration fence;

    FencingLocker(Duration fence) {
        this.fence = fence;
    }

    @Override
    public void doStart() throws Exception {
        super.doStart();
        LOG.info("took the store's lock in {}; waiting {} ms before writing, the time the broker it replaces takes "
                + "to notice", getDirectory(), fence.toMillis());
        // A timed wait on purpose: the event it stands for (the other broker noticed and stopped)
        // happens on another host and sends nothing, so only its bound, the check period, can be waited.
        Thread.sleep(fence.toMillis());
    }
}
