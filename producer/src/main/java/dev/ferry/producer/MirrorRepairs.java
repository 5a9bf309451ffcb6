package dev.ferry.producer;

import dev.ferry.producer.FileBodySender.Outcome;
import dev.ferry.producer.repair.RepairOutlet;
import dev.ferry.wire.ChangeEvent.Delete;
import dev.ferry.wire.ChangeEvent.PutAttributes;
import dev.ferry.wire.ChangeEvent.PutDirectory;
import dev.ferry.wire.ChangeEvent.PutSymlink;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.RepairMessage;
import java.io.IOException;

/**
 * A repair's answers, made from what the {@link SourceIndex} holds at a path when they are sent
 * (see {@link RepairOutlet}) and sent to one mirror's queue through the {@link Publisher}: file
 * bodies read from the source by the {@link FileBodySender}, every event with a new number from
 * the producer's {@link SequenceNumbers}. Nothing here changes the index.
 */
final class MirrorRepairs implements RepairOutlet {

    private final SourceIndex index;
    private final SourceIgnores ignores;
    private final Publisher publisher;
    private final FileBodySender bodies;
    private final SequenceNumbers sequence;

    MirrorRepairs(SourceIndex index, SourceIgnores ignores, Publisher publisher, FileBodySender bodies,
                  SequenceNumbers sequence) {
        this.index = index;
        this.ignores = ignores;
        this.publisher = publisher;
        this.bodies = bodies;
        this.sequence = sequence;
    }

    @Override
    public int sendEntry(String mirror, RelPath path) throws IOException, InterruptedException {
        Entry published = settled(path);
        if (published == null) {
            return 0;
        }
        EventRoute route = publisher.toMirror(mirror);
        int sent = 1;
        switch (published.type()) {
            case FILE -> {
                try {
                    // Not sent when the file is no longer the version published: it is published again anyway.
                    sent = bodies.send(route, path, published) instanceof Outcome.Sent ? 1 : 0;
                } finally {
                    bodies.release();
                }
            }
            case DIRECTORY -> route.send(new PutDirectory(path, sequence.next(), published.mode(),
                    published.mtimeNanos()), null, 0);
            case SYMLINK -> route.send(new PutSymlink(path, sequence.next(), published.target()), null, 0);
        }
        route.commitIfBatchFull();
        return sent;
    }

    @Override
    public int sendDelete(String mirror, RelPath path) throws IOException {
        if (index.holdsTree(path)) {
            return 0; // Published there since the mirror was compared: its event is ahead of this one.
        }
        return delete(mirror, path);
    }

    @Override
    public int sendClearing(String mirror, RelPath path) throws IOException {
        return settled(path) == null ? 0 : delete(mirror, path);
    }

    @Override
    public int sendAttributes(String mirror, RelPath path) throws IOException {
        Entry published = settled(path);
        if (published == null || published.type() == Entry.Type.SYMLINK) {
            return 0;
        }
        EventRoute route = publisher.toMirror(mirror);
        route.send(published.isFile()
                ? new PutAttributes(path, sequence.next(), published.mode(), published.mtimeNanos())
                : new PutDirectory(path, sequence.next(), published.mode(), published.mtimeNanos()), null, 0);
        route.commitIfBatchFull();
        return 1;
    }

    @Override
    public void send(String mirror, RepairMessage message) throws IOException {
        publisher.send(mirror, message);
    }

    @Override
    public void commit() throws IOException {
        publisher.commit();
    }

    private int delete(String mirror, RelPath path) throws IOException {
        EventRoute route = publisher.toMirror(mirror);
        route.send(new Delete(path, sequence.next()), null, 0);
        route.commitIfBatchFull();
        return 1;
    }

    /** What is published at {@code path} now, or null when nothing is, or it is unsettled or ignored. */
    private Entry settled(RelPath path) {
        Entry published = index.get(path);
        if (published == null || published.isInDoubt() || ignores.isIgnored(path, published.isDirectory())) {
            return null;
        }
        return published;
    }
}
