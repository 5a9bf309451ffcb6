package dev.ferry.verify;

import java.io.IOException;

/**
 * A view knows a directory only by its digest, not what it holds: whoever described the tree
 * sent the one and not the other, and must be asked for the listing.
 */
public final class UnlistedDirectoryException extends IOException {

    private final String directory;

    public UnlistedDirectoryException(String directory) {
        super("only the digest of " + (directory.isEmpty() ? "the root" : directory) + " is known, not its entries");
        this.directory = directory;
    }

    /** The directory, relative to the root; "" for the root. */
    public String directory() {
        return directory;
    }
}
