package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.WireFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole small files waiting to travel together in one message (see {@link WireFormat#BUNDLE_PROPERTY}).
 *
 * <p>A message costs about the same to send, store and deliver whether it carries 4 KiB or 256,
 * so many small files per message is most of the speed of an initial sync. A bundle holds files of
 * one message group only, so the order per path across competing consumers is kept.
 */
final class SmallFileBundle {

    /** Larger files go alone: their own bytes, not the per-message costs, dominate. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_BUNDLE_BYTES = 256 * 1024;
    static final int MAX_FILES = 256;

    private final List<PutFile> files = new ArrayList<>();
    private final byte[] bodies = new byte[MAX_BUNDLE_BYTES];
    private int length;
    private String group;

    /** Whether {@code event} may travel in a bundle at all: a whole file, small enough. */
    static boolean admits(ChangeEvent event) {
        return event instanceof PutFile file && file.offset() == 0 && file.length() <= MAX_FILE_BYTES;
    }

    /** Whether {@code file} (which {@link #admits}) can join the files already here. */
    boolean hasRoomFor(PutFile file) {
        return files.isEmpty() || (files.size() < MAX_FILES && length + file.length() <= bodies.length
                && group.equals(WireFormat.groupOf(file)));
    }

    /** Adds {@code file} with the first {@code bodyLength} bytes of {@code body} (null when 0); see {@link #hasRoomFor}. */
    void add(PutFile file, byte[] body, int bodyLength) {
        if (!hasRoomFor(file)) {
            throw new IllegalStateException("no room in the bundle for " + file.path());
        }
        if (files.isEmpty()) {
            group = WireFormat.groupOf(file);
        }
        if (bodyLength > 0) {
            System.arraycopy(body, 0, bodies, length, bodyLength);
        }
        files.add(file);
        length += bodyLength;
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    List<PutFile> files() {
        return List.copyOf(files);
    }

    /** The bodies of {@link #files()}, one after the other, in the first {@link #length()} bytes. */
    byte[] bodies() {
        return bodies;
    }

    int length() {
        return length;
    }

    void clear() {
        files.clear();
        length = 0;
        group = null;
    }
}
