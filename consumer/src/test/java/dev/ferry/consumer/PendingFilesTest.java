package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.putFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PendingFilesTest {

    private final PendingFiles pending = new PendingFiles();

    private void pend(String path) {
        pending.add(new PendingFiles.Pending(putFile(path, 1, "x"), null, Path.of("/staged"),
                CompletableFuture.completedFuture(null)));
    }

    @Test
    void nothingPendingBlocksNothing() {
        assertThat(pending.mustLandBefore(new ChangeEvent.Delete(RelPath.of("a"), 2))).isFalse();
    }

    @Test
    void eventsOnThePathItsAncestorsOrItsDescendantsWaitForTheLanding() {
        pend("a/b/c.txt");
        assertThat(pending.mustLandBefore(putFile("a/b/c.txt", 2, "newer"))).as("same path").isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.Delete(RelPath.of("a"), 2))).as("ancestor").isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.PutDirectory(RelPath.of("a/b"), 2, 0755, 0)))
                .as("parent").isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.PutDirectory(RelPath.of("a/b/c.txt/d"), 2, 0755, 0)))
                .as("descendant").isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.Rename(RelPath.of("a/b"), RelPath.of("z"), 2)))
                .as("renamed away").isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.Rename(RelPath.of("z"), RelPath.of("a/b/c.txt"), 2)))
                .as("renamed over").isTrue();
    }

    @Test
    void unrelatedEventsAndChunksDoNotWait() {
        pend("a/b/c.txt");
        assertThat(pending.mustLandBefore(putFile("a/b/d.txt", 2, "sibling"))).isFalse();
        assertThat(pending.mustLandBefore(new ChangeEvent.Delete(RelPath.of("a/bc"), 2))).isFalse();
        assertThat(pending.mustLandBefore(new ChangeEvent.FileChunk(RelPath.of("a/b/c.txt"), 3, 0, 10))).isFalse();
    }

    @Test
    void takingAllEmptiesItInEventOrder() {
        pend("x");
        pend("a/y");
        assertThat(pending.takeAll()).extracting(p -> p.event().path().text()).containsExactly("x", "a/y");
        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.mustLandBefore(new ChangeEvent.Delete(RelPath.of("x"), 2))).isFalse();
    }
}
