package dev.ferry.delta;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signatures of published contents, one file each, named {@code <sha256>.sig}, in one
 * directory (such as {@code <producer state>/signatures}). A signature is only a help to send
 * less: one that is torn by a crash, cut short, flipped or not ours reads as absent, and the
 * content is then sent whole. Temporary files end in {@value #TEMPORARY_SUFFIX}; the ones a crash
 * left are deleted when the store opens, so one directory must have one store at a time. Safe to
 * use from several threads (each {@link SignatureWriter} from one).
 */
public final class SignatureStore {

    static final Logger LOG = LoggerFactory.getLogger(SignatureStore.class);

    static final String SUFFIX = ".sig";
    static final String TEMPORARY_SUFFIX = ".sig.tmp";
    private static final String TEMPORARY_PREFIX = "signature-";

    private final Path directory;
    /** Files already warned about, so a bad file costs one warning, not one per look-up. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Opens the store in {@code directory}, creating it, and deletes the temporary files a crash left. */
    public SignatureStore(Path directory) throws IOException {
        this.directory = Objects.requireNonNull(directory, "directory");
        Files.createDirectories(directory);
        deleteLeftovers();
    }

    public Path directory() {
        return directory;
    }

    /** Starts a signature made with {@code parameters}; close the writer if it is not committed. */
    public SignatureWriter begin(ChunkParameters parameters) throws IOException {
        Path temporary = Files.createTempFile(directory, TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
        try {
            return new SignatureWriter(this, parameters, temporary);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** The signature of {@code contentSha256} (lowercase hex), or null when there is none or it is unreadable. */
    public Signature find(String contentSha256) throws IOException {
        Path file = pathOf(contentSha256);
        try {
            return SignatureFormat.read(file, contentSha256);
        } catch (NoSuchFileException e) {
            return null;
        } catch (SignatureFormat.UnreadableException e) {
            if (warned.add(file.getFileName().toString())) {
                LOG.warn("Ignoring the signature {}: {}; the next version of this content is sent whole", file,
                        e.getMessage());
            } else {
                LOG.debug("Ignoring the signature {}: {}", file, e.getMessage());
            }
            return null;
        }
    }

    /** Whether a signature file of {@code contentSha256} exists (it may still be unreadable). */
    public boolean contains(String contentSha256) {
        return Files.isRegularFile(pathOf(contentSha256));
    }

    /** Deletes every signature whose content hash is not in {@code keep}; returns how many were deleted. */
    public int retainOnly(Set<String> keep) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String sha = name.substring(0, name.length() - SUFFIX.length());
                if (isSha256(sha) && !keep.contains(sha) && Files.deleteIfExists(entry)) {
                    warned.remove(name);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    Path pathOf(String contentSha256) {
        return directory.resolve(checkSha256(contentSha256) + SUFFIX);
    }

    static String checkSha256(String contentSha256) {
        if (!isSha256(contentSha256)) {
            throw new IllegalArgumentException("'" + contentSha256 + "' is not a SHA-256 in lowercase hex");
        }
        return contentSha256;
    }

    private static boolean isSha256(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private void deleteLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory,
                TEMPORARY_PREFIX + "*" + TEMPORARY_SUFFIX)) {
            for (Path entry : entries) {
                LOG.debug("Deleting the temporary signature {} an earlier run left", entry);
                Files.deleteIfExists(entry);
            }
        }
    }
}
