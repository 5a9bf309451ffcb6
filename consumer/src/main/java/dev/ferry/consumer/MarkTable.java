package dev.ferry.consumer;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.ObjLongConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A non-zero long for each path, held compactly: the {@link Ledger}'s marks, one per path the
 * mirror ever held. A {@code TreeMap} of path strings to records took 143 bytes a path (a class
 * histogram of a consumer at a million files: entry, string, its bytes and the record); this takes
 * about 67, so that a consumer at a million files stays well inside its memory.
 *
 * <p>Paths are {@code RelPath} texts: well-formed (no lone surrogate, which UTF-8 cannot carry and
 * would make two paths one), relative, never empty.
 *
 * <p>Paths are grouped by their parent directory. A directory holds its entries' names as UTF-8
 * bytes (no string around them) in an open-addressing table beside their values; directories are
 * kept in path order, so what lies below one is found without looking at the others.
 */
final class MarkTable {

    /** What {@link #get} says of a path without a value; no value is ever zero. */
    static final long ABSENT = 0;

    private final NavigableMap<String, Names> directories = new TreeMap<>();
    private int size;

    /** The value at {@code path}, or {@link #ABSENT}. */
    long get(String path) {
        Names names = directories.get(parentOf(path));
        return names == null ? ABSENT : names.get(nameOf(path));
    }

    /** Sets the value at {@code path}; what it was, or {@link #ABSENT}. */
    long put(String path, long value) {
        if (value == ABSENT) {
            throw new IllegalArgumentException("no value can be " + ABSENT + " (" + path + ")");
        }
        long before = directories.computeIfAbsent(parentOf(path), directory -> new Names()).put(nameOf(path), value);
        if (before == ABSENT) {
            size++;
        }
        return before;
    }

    /** Removes the value at {@code path}; what it was, or {@link #ABSENT}. */
    long remove(String path) {
        String parent = parentOf(path);
        Names names = directories.get(parent);
        if (names == null) {
            return ABSENT;
        }
        long before = names.remove(nameOf(path));
        if (before != ABSENT) {
            size--;
            if (names.isEmpty()) {
                directories.remove(parent);
            }
        }
        return before;
    }

    /**
     * Removes every value strictly below {@code directory} (not the root) that {@code which}
     * selects, and tells {@code removed} of each (its path and what it was).
     */
    void removeBelow(String directory, LongPredicate which, ObjLongConsumer<String> removed) {
        if (directory.isEmpty()) {
            throw new IllegalArgumentException("the root has no path of its own to mark");
        }
        List<String> held = new ArrayList<>();
        if (directories.containsKey(directory)) {
            held.add(directory);
        }
        held.addAll(directories.subMap(directory + "/", true, directory + "0", false).keySet());
        // A directory at a time: removing a large subtree holds no list of all it held.
        for (String each : held) {
            List<Map.Entry<String, Long>> doomed = new ArrayList<>();
            directories.get(each).forEach(each, (path, value) -> {
                if (which.test(value)) {
                    doomed.add(new AbstractMap.SimpleImmutableEntry<>(path, value));
                }
            });
            for (Map.Entry<String, Long> entry : doomed) {
                remove(entry.getKey());
                removed.accept(entry.getKey(), entry.getValue());
            }
        }
    }

    int size() {
        return size;
    }

    void clear() {
        directories.clear();
        size = 0;
    }

    /** Every path and its value, a directory's entries together, in no other order. */
    Stream<Map.Entry<String, Long>> entries() {
        return directories.entrySet().stream().flatMap(held -> {
            List<Map.Entry<String, Long>> entries = new ArrayList<>(held.getValue().size);
            held.getValue().forEach(held.getKey(), (path, value) ->
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(path, value)));
            return entries.stream();
        });
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static byte[] nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The names directly in one directory and their values: linear probing over a power-of-two
     * table, at most three quarters full, shrunk when it falls under an eighth.
     */
    private static final class Names {
        private static final int SMALLEST = 2;

        private byte[][] keys = new byte[SMALLEST][];
        private long[] values = new long[SMALLEST];
        private int size;

        long get(byte[] name) {
            int slot = find(name);
            return keys[slot] == null ? ABSENT : values[slot];
        }

        long put(byte[] name, long value) {
            int slot = find(name);
            if (keys[slot] != null) {
                long before = values[slot];
                values[slot] = value;
                return before;
            }
            keys[slot] = name;
            values[slot] = value;
            if (++size * 4 > keys.length * 3) {
                resize(keys.length * 2);
            }
            return ABSENT;
        }

        long remove(byte[] name) {
            int slot = find(name);
            if (keys[slot] == null) {
                return ABSENT;
            }
            long before = values[slot];
            vacate(slot);
            size--;
            if (keys.length > SMALLEST && size * 8 < keys.length) {
                resize(keys.length / 2);
            }
            return before;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Tells {@code action} of each name's path (below {@code directory}) and value. */
        void forEach(String directory, ObjLongConsumer<String> action) {
            IntStream.range(0, keys.length).filter(slot -> keys[slot] != null).forEach(slot -> {
                String name = new String(keys[slot], StandardCharsets.UTF_8);
                action.accept(directory.isEmpty() ? name : directory + "/" + name, values[slot]);
            });
        }

        /** The slot holding {@code name}, or the empty one where it would go. */
        private int find(byte[] name) {
            int mask = keys.length - 1;
            for (int slot = home(name, mask); ; slot = (slot + 1) & mask) {
                if (keys[slot] == null || Arrays.equals(keys[slot], name)) {
                    return slot;
                }
            }
        }

        /**
         * Empties {@code slot} and moves back the entries after it that probing would no longer
         * reach (backward-shift deletion: no tombstones to accumulate under churn).
         */
        private void vacate(int slot) {
            int mask = keys.length - 1;
            int hole = slot;
            keys[hole] = null;
            for (int next = (hole + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
                int home = home(keys[next], mask);
                if (((next - home) & mask) >= ((next - hole) & mask)) {
                    keys[hole] = keys[next];
                    values[hole] = values[next];
                    keys[next] = null;
                    hole = next;
                }
            }
        }

        private void resize(int capacity) {
            byte[][] oldKeys = keys;
            long[] oldValues = values;
            keys = new byte[capacity][];
            values = new long[capacity];
            for (int slot = 0; slot < oldKeys.length; slot++) {
                if (oldKeys[slot] != null) {
                    int empty = find(oldKeys[slot]);
                    keys[empty] = oldKeys[slot];
                    values[empty] = oldValues[slot];
                }
            }
        }

        /** Fibonacci hashing: the top bits of the product, which every bit of the name's hash moves. */
        private static int home(byte[] name, int mask) {
            return Arrays.hashCode(name) * 0x9E3779B9 >>> Integer.numberOfLeadingZeros(mask);
        }
    }
}
