package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Heavy-handed damage to an exact mirror, the kinds a repair must undo, from a seed: a whole
 * directory deleted, files edited keeping their size and modification time (only their content,
 * and so their ctime, tells), given other permission bits, touched, a large file edited the same
 * way and another deleted, a file made a directory, extras added (files, a directory, a link).
 * It remembers which paths it touched, so a test can change those very paths in the source next.
 *
 * @param deletedDirectory the directory deleted with everything in it
 * @param edited           files whose content changed, size and modification time kept
 * @param modes            files given other permission bits
 * @param touched          files given another modification time
 * @param extras           files added that the source does not hold
 * @param largeEdited      the large file edited keeping size and time
 * @param largeDeleted     the large file deleted
 * @param madeDirectory    the file replaced by a directory of the same name
 */
record MirrorTampering(String deletedDirectory, List<String> edited, List<String> modes, List<String> touched,
                       List<String> extras, String largeEdited, String largeDeleted, String madeDirectory) {

    /**
     * Tampers with {@code mirror}, whose top directories hold small files but for {@code largeDirectory},
     * which holds the large ones, {@code each} files of each kind; names made with {@code tag} are new.
     */
    static MirrorTampering of(Path mirror, String largeDirectory, int each, String tag, Random random) {
        List<String> directories = new ArrayList<>(list(mirror, true).stream()
                .filter(name -> !name.equals(largeDirectory) && !name.equals(TreeSnapshot.RESERVED)).toList());
        Collections.sort(directories);
        String deletedDirectory = directories.remove(random.nextInt(directories.size()));
        List<String> files = new ArrayList<>();
        for (String directory : directories) {
            list(mirror.resolve(directory), false).forEach(name -> files.add(directory + "/" + name));
        }
        Collections.sort(files);
        Collections.shuffle(files, random);
        List<String> large = new ArrayList<>(list(mirror.resolve(largeDirectory), false));
        Collections.sort(large);
        Collections.shuffle(large, random);

        TestTrees.deleteTree(mirror.resolve(deletedDirectory));
        List<String> edited = files.subList(0, each);
        edited.forEach(file -> editKeepingSizeAndTime(mirror.resolve(file)));
        List<String> modes = files.subList(each, 2 * each);
        modes.forEach(file -> TestTrees.mode(mirror.resolve(file), otherMode(mirror.resolve(file))));
        List<String> touched = files.subList(2 * each, 3 * each);
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        touched.forEach(file -> TestTrees.mtime(mirror.resolve(file), yesterday));
        String madeDirectory = files.get(3 * each);
        TestTrees.deleteTree(mirror.resolve(madeDirectory));
        TestTrees.writeText(mirror.resolve(madeDirectory).resolve("inside.txt"), "a directory where a file was\n");
        List<String> extras = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            String extra = directories.get(random.nextInt(directories.size())) + "/extra-" + tag + "-" + i + ".txt";
            TestTrees.writeText(mirror.resolve(extra), "not in the source " + i + "\n");
            extras.add(extra);
        }
        TestTrees.manySmallFiles(mirror.resolve("stray-" + tag), 3);
        TestTrees.symlink(mirror.resolve("stray-link-" + tag), directories.get(0));
        String largeEdited = largeDirectory + "/" + large.get(0);
        editKeepingSizeAndTime(mirror.resolve(largeEdited));
        String largeDeleted = largeDirectory + "/" + large.get(1);
        TestTrees.deleteTree(mirror.resolve(largeDeleted));
        return new MirrorTampering(deletedDirectory, List.copyOf(edited), List.copyOf(modes), List.copyOf(touched),
                List.copyOf(extras), largeEdited, largeDeleted, madeDirectory);
    }

    /** Flips a bit in the middle of the file and gives it its modification time back: its size and time tell nothing. */
    static void editKeepingSizeAndTime(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            byte[] content = Files.readAllBytes(file);
            content[content.length / 2] ^= 0x01;
            Files.write(file, content);
            Files.setLastModifiedTime(file, time);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + file, e);
        }
    }

    private static String otherMode(Path file) {
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
            return mode.equals("rw-------") ? "rw-r-----" : "rw-------";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mode of " + file, e);
        }
    }

    /** The names of the directories, or else of the regular files, in {@code directory}. */
    private static List<String> list(Path directory, boolean directories) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(entry -> directories ? Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                            : Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                    .map(entry -> entry.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }
}
