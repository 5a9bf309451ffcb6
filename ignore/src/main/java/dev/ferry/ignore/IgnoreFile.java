package dev.ferry.ignore;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value IgnoreSettings#FILE_NAME} at the root of a tree, as read at one moment.
 *
 * <p>Like git since 2.32 with {@code .gitignore}, a symbolic link (or anything but a regular file)
 * at that name is not read: it is reported and counts as no rules.
 *
 * @param path  where the file is
 * @param lines its lines, none when there is no such file
 */
public record IgnoreFile(Path path, List<String> lines) {

    private static final Logger log = LoggerFactory.getLogger(IgnoreFile.class);

    public IgnoreFile {
        lines = List.copyOf(lines);
    }

    /** The rules file of the tree at {@code root}, read now. */
    public static IgnoreFile read(Path root) throws IOException {
        Path path = root.resolve(IgnoreSettings.FILE_NAME);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new IgnoreFile(path, List.of());
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("not reading ignore rules from {}: it is not a regular file", path);
            return new IgnoreFile(path, List.of());
        }
        try {
            return new IgnoreFile(path, Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException gone) {
            return new IgnoreFile(path, List.of());
        } catch (CharacterCodingException e) {
            throw new IOException("cannot read ignore rules from " + path + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IOException("cannot read ignore rules from " + path, e);
        }
    }
}
