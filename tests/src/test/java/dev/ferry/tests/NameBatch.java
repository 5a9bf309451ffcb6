package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The names one try of {@link UnicodeNamesTest} writes into a directory of its own, each in a role
 * that sends it in a different kind of message: small files, which travel many to a message (a
 * bundle), among them names that differ only by normalization; a file too large for a bundle,
 * which travels alone; a directory with a file of the same name in it; a symbolic link whose target
 * has a character beyond the BMP; and a file with such a character that is renamed once it arrived.
 *
 * @param bundled    small files, at least two
 * @param single     a file of {@link #SINGLE_FILE_BYTES}
 * @param directory  a directory holding a small file named {@code directory} too
 * @param symlink    a symbolic link to {@code linkTarget}, a name in the same directory
 * @param renamed    a small file, renamed to {@code renamedTo} once it arrived
 */
record NameBatch(List<String> bundled, String single, String directory, String symlink, String linkTarget,
                 String renamed, String renamedTo) {

    /** One byte more than a bundle takes (64 KiB): such a file travels in a message of its own. */
    static final int SINGLE_FILE_BYTES = 64 * 1024 + 1;
    private static final int MIN_BUNDLED = 2;
    private static final int ROLES = 5;

    static Arbitrary<NameBatch> batches() {
        return Combinators.combine(
                        UnicodeNames.names().list().uniqueElements().ofMinSize(ROLES + 1).ofMaxSize(16),
                        UnicodeNames.normalizationTwins().list().ofMaxSize(2),
                        UnicodeNames.namesBeyondTheBmp(),
                        UnicodeNames.namesBeyondTheBmp())
                .as(NameBatch::of);
    }

    /**
     * Gives the names their roles: {@code renamed} first, then the first names in turn; the rest and
     * the twins are bundled. A name given twice is used once; plain ASCII names make up any shortfall.
     */
    static NameBatch of(List<String> names, List<List<String>> twins, String renamed, String linkTarget) {
        Set<String> distinct = new LinkedHashSet<>();
        distinct.add(renamed);
        distinct.addAll(names);
        twins.forEach(distinct::addAll);
        for (int pad = 0; distinct.size() < ROLES + MIN_BUNDLED; pad++) {
            distinct.add("pad-" + pad);
        }
        List<String> ordered = new ArrayList<>(distinct);
        return new NameBatch(List.copyOf(ordered.subList(ROLES, ordered.size())), ordered.get(1), ordered.get(2),
                ordered.get(3), linkTarget, ordered.get(0), ordered.get(4));
    }

    /** Creates every entry in {@code dir} (which must not exist yet) and returns {@code dir}. */
    Path writeInto(Path dir) {
        for (String name : smallFiles()) {
            TestTrees.writeText(dir.resolve(name), "a small file\n");
        }
        TestTrees.writeRandom(dir.resolve(single), SINGLE_FILE_BYTES, single.hashCode());
        TestTrees.writeText(dir.resolve(directory).resolve(directory), "in a directory of the same name\n");
        try {
            Files.createSymbolicLink(dir.resolve(symlink), Path.of(linkTarget));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + UnicodeNames.printable(symlink) + " in " + dir, e);
        }
        return dir;
    }

    /** The paths {@link #writeInto} creates, relative to the directory. */
    List<String> paths() {
        List<String> paths = new ArrayList<>(smallFiles());
        paths.addAll(List.of(single, directory, directory + "/" + directory, symlink));
        return paths;
    }

    /** What the directory holds, byte for byte, while {@code renamed} is called {@code renamedAs}. */
    List<RawListing.Entry> entries(String renamedAs) {
        List<RawListing.Entry> entries = new ArrayList<>();
        entries.add(RawListing.Entry.of('f', renamedAs, ""));
        bundled.forEach(name -> entries.add(RawListing.Entry.of('f', name, "")));
        entries.add(RawListing.Entry.of('f', single, ""));
        entries.add(RawListing.Entry.of('d', directory, ""));
        entries.add(RawListing.Entry.of('f', directory + "/" + directory, ""));
        entries.add(RawListing.Entry.of('l', symlink, linkTarget));
        return entries;
    }

    private List<String> smallFiles() {
        List<String> small = new ArrayList<>(bundled);
        small.add(0, renamed);
        return small;
    }

    /** Every name in ASCII ({@link UnicodeNames#printable}): jqwik prints samples with this. */
    @Override
    public String toString() {
        return "NameBatch[bundled=" + bundled.stream().map(NameBatch::shown).collect(Collectors.joining(", ", "[", "]"))
                + ", single=" + shown(single) + ", directory=" + shown(directory) + ", symlink=" + shown(symlink)
                + " -> " + shown(linkTarget) + ", renamed=" + shown(renamed) + " -> " + shown(renamedTo) + "]";
    }

    private static String shown(String name) {
        return '"' + UnicodeNames.printable(name) + '"';
    }
}
