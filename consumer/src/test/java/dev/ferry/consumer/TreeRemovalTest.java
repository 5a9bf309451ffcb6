package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeRemovalTest {

    @TempDir
    Path dir;

    /** Found by HostileApplyingTest: renames of short paths had built a tree deeper than PATH_MAX. */
    @Test
    void removesATreeDeeperThanTheLongestPathTheKernelTakes() throws IOException {
        Path tree = dir.resolve("c");
        String longName = "n".repeat(255);
        Files.createDirectories(tree.resolve(longName));
        for (int level = 0; level < 20; level++) { // 20 x 257 bytes: past 4096
            Path holder = Files.createDirectories(dir.resolve("t").resolve(longName));
            Files.writeString(holder.resolve("file"), "x");
            Files.createSymbolicLink(holder.resolve("link"), dir);
            Files.move(tree, holder.resolve("c"));
            Files.move(dir.resolve("t"), tree);
        }
        Path outside = Files.writeString(dir.resolve("outside"), "kept");
        assertThatThrownBy(() -> Files.walk(tree).count()).as("the tree is deeper than paths reach")
                .hasRootCauseInstanceOf(FileSystemException.class).hasStackTraceContaining("File name too long");

        TreeRemoval.remove(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside).hasContent("kept");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(outside);
        }
    }

    @Test
    void removesAFileOrNothing() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        TreeRemoval.remove(file);
        TreeRemoval.remove(dir.resolve("never"));
        assertThat(file).doesNotExist();
    }
}
