package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.RelPath;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TreeOrderTest {

    private final List<RelPath> paths = Stream.of("a-b", "a/c/d", "b", "a", "a/c", "a/c-d")
            .map(RelPath::of).toList();

    @Test
    void parentsFirstPutsEveryDirectoryBeforeItsContents() {
        assertThat(sorted(TreeOrder.PARENTS_FIRST)).containsExactly("a", "a/c", "a/c/d", "a/c-d", "a-b", "b");
    }

    @Test
    void childrenFirstPutsEveryDirectoryAfterItsContents() {
        assertThat(sorted(TreeOrder.CHILDREN_FIRST)).containsExactly("a/c/d", "a/c", "a/c-d", "a", "a-b", "b");
    }

    private List<String> sorted(java.util.Comparator<RelPath> order) {
        List<RelPath> sorted = new ArrayList<>(paths);
        sorted.sort(order);
        return sorted.stream().map(RelPath::text).toList();
    }
}
