package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.RelPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listing holds exactly the names Ferry can carry, in name order, and says when it left some out. */
class SourceTreeTest {

    @TempDir
    Path source;

    @Test
    void aNameThatIsNotTextInTheJvmsEncodingIsLeftOutAndMakesTheListingIncomplete() throws Exception {
        Files.writeString(source.resolve("b"), "b");
        Files.writeString(source.resolve("a.txt"), "a");
        // Made by the shell, as a JVM without UTF-8 file names could not: a UTF-8 é, carried wherever
        // the JVM reads UTF-8, and a Latin-1 é (the single byte 0xE9), which is neither UTF-8 nor
        // ASCII, so no JVM encoding reads it back as it is.
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf '\\303\\251')\" \"$(printf '\\351')\"")
                .directory(source.toFile()).start();
        assertThat(touch.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(touch.exitValue()).isZero();

        List<String> unnameable = new ArrayList<>();
        SourceTree tree = new SourceTree(source.toRealPath(), new ProducerObserver() {
            @Override
            public void unnameable(String rawPath) {
                unnameable.add(rawPath);
            }
        });
        SourceTree.Listing listing;
        try (SourceTree.Directory root = tree.openDirectory(null)) {
            listing = root.list();
        }
        try (SourceTree.Directory again = tree.openDirectory(null)) {
            again.list();
        }

        assertThat(listing.complete()).isFalse();
        boolean readsUtf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
        assertThat(listing.children()).extracting(child -> child.path().text())
                .containsExactlyElementsOf(readsUtf8 ? List.of("a.txt", "b", "é") : List.of("a.txt", "b"));
        assertThat(listing.children()).allSatisfy(child -> assertThat(child.file().getFileName().toString())
                .isEqualTo(RelPath.of(child.path().text()).name()));
        // Named by its bytes, once however often it is listed.
        // (Shown as UTF-8 where the bytes are UTF-8, even to a JVM that reads names otherwise.)
        assertThat(unnameable).containsExactlyInAnyOrderElementsOf(readsUtf8 ? List.of("\\xe9")
                : List.of("\u00e9", "\\xe9"));
    }

    /** Found in review: a link whose target is not UTF-8 was published pointing at U+FFFD. */
    @Test
    void aSymlinkWhoseTargetIsNotTextIsNotPublishedAndSaysSo() throws Exception {
        Process link = new ProcessBuilder("sh", "-c", "ln -s \"$(printf 'caf\\351.txt')\" latin1")
                .directory(source.toFile()).start();
        assertThat(link.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> notMirrored = new ArrayList<>();
        SourceTree tree = new SourceTree(source.toRealPath(), new ProducerObserver() {
            @Override
            public void unnameable(String rawPath) {
                notMirrored.add(rawPath);
            }
        });

        assertThat(tree.observe(RelPath.of("latin1"))).isNull();
        assertThat(notMirrored).containsExactly("latin1\" -> \"caf\\xe9.txt");
    }
}
