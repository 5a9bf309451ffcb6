package dev.ferry.producer;

import dev.ferry.ignore.IgnoreFile;
import dev.ferry.ignore.IgnoreRules;
import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.wire.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ignore rules of the source tree as they are now: read when the producer opens, and again
 * when the source's {@value IgnoreSettings#FILE_NAME} changes.
 *
 * <p>An ignored path is invisible to the producer: it is neither published nor deleted, and an
 * ignored directory is neither compared nor watched. The rules file itself is a file like any
 * other, published unless a rule ignores it.
 */
final class SourceIgnores {

    private static final Logger log = LoggerFactory.getLogger(SourceIgnores.class);

    private final Path root;
    private final IgnoreSettings settings;
    /** Read by the watcher's thread too. */
    private volatile IgnoreRules rules;
    /** What the rules file looked like when it was last read: its identity, size and time, or null when absent. */
    private List<Object> fileSeen;

    private SourceIgnores(Path root, IgnoreSettings settings) {
        this.root = root;
        this.settings = settings;
    }

    /**
     * The rules of the tree at {@code root}.
     *
     * @throws IOException when its rules file exists but cannot be read: publishing what it may
     *                     ignore would be worse than not starting
     */
    static SourceIgnores load(Path root, IgnoreSettings settings) throws IOException {
        SourceIgnores ignores = new SourceIgnores(root, settings);
        ignores.fileSeen = ignores.lookAtFile();
        ignores.rules = settings.rulesWith(IgnoreFile.read(root));
        return ignores;
    }

    /** The rules as they are now: another object once they changed. */
    IgnoreRules rules() {
        return rules;
    }

    /** Whether {@code path} or one of its directories is ignored. */
    boolean isIgnored(RelPath path, boolean isDirectory) {
        return rules.isIgnored(path.text(), isDirectory);
    }

    /** Whether the entry at {@code path} is ignored, its directories known not to be. */
    boolean isIgnoredEntry(RelPath path, boolean isDirectory) {
        return rules.isIgnoredEntry(path.text(), isDirectory);
    }

    /**
     * Reads the rules file again if it changed since it was last read.
     *
     * @return whether the rules changed, so that the whole tree must be compared again: what they
     *         ignored before may have to be published now (what they ignore now stays as it is on
     *         the replica)
     */
    boolean reloadIfChanged() {
        try {
            List<Object> seen = lookAtFile();
            if (Objects.equals(seen, fileSeen)) {
                return false;
            }
            fileSeen = seen; // Looked at before reading: a change while reading is seen next time.
            IgnoreRules reloaded = settings.rulesWith(IgnoreFile.read(root));
            if (reloaded.sources().equals(rules.sources())) {
                return false;
            }
            rules = reloaded;
            log.info("{} changed; comparing the whole tree with the new rules", root.resolve(IgnoreSettings.FILE_NAME));
            return true;
        } catch (IOException e) {
            log.warn("keeping the ignore rules as they were: {}", e.getMessage());
            return false;
        }
    }

    private List<Object> lookAtFile() throws IOException {
        Path file = root.resolve(IgnoreSettings.FILE_NAME);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(attributes.fileKey()), attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
