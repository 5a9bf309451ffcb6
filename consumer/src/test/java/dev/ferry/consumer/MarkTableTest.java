package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarkTableTest {

    @Test
    void agreesWithAMapUnderRandomPutsRemovesAndSubtreeRemovals() {
        MarkTable table = new MarkTable();
        TreeMap<String, Long> model = new TreeMap<>();
        Random random = new Random(18);
        String[] names = {"a", "b", "c", "é", "日本", "a b", "x.txt", "😀"};
        for (int step = 0; step < 200_000; step++) {
            String path = randomPath(random, names);
            int action = random.nextInt(10);
            if (action < 6) {
                long value = random.nextBoolean() ? 1 + random.nextInt(1000) : -1 - random.nextInt(1000);
                assertThat(table.put(path, value)).isEqualTo(model.getOrDefault(path, MarkTable.ABSENT));
                model.put(path, value);
            } else if (action < 9) {
                assertThat(table.remove(path)).isEqualTo(model.getOrDefault(path, MarkTable.ABSENT));
                model.remove(path);
            } else {
                long limit = random.nextInt(1000);
                Map<String, Long> told = new HashMap<>();
                table.removeBelow(path, value -> Math.abs(value) <= limit, told::put);
                Map<String, Long> expected = model.subMap(path + "/", true, path + "0", false).entrySet().stream()
                        .filter(entry -> Math.abs(entry.getValue()) <= limit)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                assertThat(told).isEqualTo(expected);
                expected.keySet().forEach(model::remove);
            }
            assertThat(table.get(path)).isEqualTo(model.getOrDefault(path, MarkTable.ABSENT));
            assertThat(table.size()).isEqualTo(model.size());
        }
        assertThat(table.entries().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .isEqualTo(model);
    }

    @Test
    void aDirectoryOfManyEntriesGrowsAndShrinksWithoutLosingAny() {
        MarkTable table = new MarkTable();
        for (int i = 1; i <= 100_000; i++) {
            table.put("big/f" + i, i);
        }
        // Down to one in ten thousand, through every shrink of the table, in an order unlike the insertion's.
        for (int i = 1; i <= 100_000; i++) {
            int name = (int) ((i * 7919L) % 100_000) + 1;
            if (name % 10_000 != 0) {
                assertThat(table.remove("big/f" + name)).isEqualTo(name);
            }
            if (i % 5_000 == 0 || i > 99_990) {
                for (int kept = 10_000; kept <= 100_000; kept += 10_000) {
                    assertThat(table.get("big/f" + kept)).isEqualTo(kept);
                }
            }
        }
        for (int i = 1; i <= 100_000; i++) {
            assertThat(table.get("big/f" + i)).isEqualTo(i % 10_000 == 0 ? i : MarkTable.ABSENT);
        }
        assertThat(table.size()).isEqualTo(10);
    }

    @Test
    void aSiblingWithACommonPrefixIsNotBelow() {
        MarkTable table = new MarkTable();
        table.put("d/x", 1);
        table.put("d/e/y", 2);
        table.put("dx", 3);
        table.put("d-x/z", 4);
        table.put("d", 5);

        Map<String, Long> told = new TreeMap<>();
        table.removeBelow("d", value -> true, told::put);

        assertThat(told).containsOnlyKeys("d/x", "d/e/y");
        assertThat(table.entries().map(Map.Entry::getKey)).containsExactlyInAnyOrder("dx", "d-x/z", "d");
    }

    @Test
    void theRootHasNoSubtreeToRemove() {
        assertThatThrownBy(() -> new MarkTable().removeBelow("", value -> true, (path, value) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroIsNoValue() {
        assertThatThrownBy(() -> new MarkTable().put("a", MarkTable.ABSENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(a)");
    }

    private static String randomPath(Random random, String[] names) {
        StringBuilder path = new StringBuilder(names[random.nextInt(names.length)]);
        for (int depth = random.nextInt(4); depth > 0; depth--) {
            path.append('/').append(names[random.nextInt(names.length)]);
        }
        return path.toString();
    }
}
