package dev.ferry.producer;

import dev.ferry.delta.ContentChunker;
import dev.ferry.delta.SignatureWriter;
import dev.ferry.wire.ChangeEvent.FileChunk;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.RelPath;
import java.io.IOException;

/**
 * A file version sent whole: a {@link FileChunk} per buffer read, then a {@link PutFile}; and, for a
 * file large enough to be sent as a delta next time, its signature written on the way.
 */
final class WholeBodyOut implements BodyOut {

    private final EventRoute route;
    private final RelPath path;
    private final long seq;
    private final ContentChunker chunker;
    private long offset;

    /** {@code signature} is null when none is kept for this file. */
    WholeBodyOut(EventRoute route, RelPath path, long seq, SignatureWriter signature) {
        this.route = route;
        this.path = path;
        this.seq = seq;
        this.chunker = signature == null ? null : new ContentChunker(signature.parameters(), signature);
    }

    @Override
    public void part(byte[] bytes, int length) throws IOException {
        if (chunker != null) {
            chunker.update(bytes, 0, length);
        }
        route.send(new FileChunk(path, seq, offset, length), bytes, length);
        offset += length;
    }

    @Override
    public void last(byte[] bytes, int length, long size, String sha256, int mode, long mtimeNanos)
            throws IOException {
        if (chunker != null) {
            chunker.update(bytes, 0, length);
            chunker.finish();
        }
        route.send(new PutFile(path, seq, offset, length, size, sha256, mode, mtimeNanos), bytes, length);
    }

    @Override
    public boolean sentAny() {
        return offset > 0;
    }
}
