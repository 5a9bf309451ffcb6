package dev.ferry.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    private Map<String, String> replay(Path file) throws IOException {
        Map<String, String> state = new LinkedHashMap<>();
        try (Journal ignored = Journal.open(file, (k, v) -> {
            if (v == null) {
                state.remove(k);
            } else {
                state.put(k, v);
            }
        })) {
            return state;
        }
    }

    @Test
    void committedUpdatesAreReplayedInOrder() throws Exception {
        Path file = dir.resolve("j");
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            journal.put("a", "1");
            journal.put("b", "2");
            journal.put("a", "3");
            journal.remove("b");
            journal.put("ünï", "☃");
            journal.commit();
        }

        assertThat(replay(file)).containsExactly(Map.entry("a", "3"), Map.entry("ünï", "☃"));
    }

    @Test
    void keysAndValuesOfEveryLengthAndCharacterComeBackAsWritten() throws Exception {
        Path file = dir.resolve("j");
        Map<String, String> written = new java.util.LinkedHashMap<>();
        written.put("nul\0inside", "v\0");
        written.put("x".repeat(5000), "é".repeat(3000));
        written.put("😀/☃", "");
        written.put("short", "y".repeat(300)); // after a long record: the replay's buffer is reused
        assertThat(writtenThenReplayed(file, written)).containsExactlyEntriesOf(written);
    }

    @Test
    void randomTextMixingAsciiNulsAndOtherCharactersComesBackAsWritten() throws Exception {
        // The replay decodes ASCII and NUL in place and everything else the JDK's way: every mix
        // of the two, at every position, must come back the same.
        String[] alphabet = {"a", "/", "\0", "é", "\u0080", "\u07ff", "☃", "😀", "\u00c0"};
        java.util.Random random = new java.util.Random(42);
        Map<String, String> written = new java.util.LinkedHashMap<>();
        while (written.size() < 2_000) {
            written.put(randomText(random, alphabet), randomText(random, alphabet));
        }
        Path file = dir.resolve("j");
        assertThat(writtenThenReplayed(file, written)).containsExactlyEntriesOf(written);
    }

    private static String randomText(java.util.Random random, String[] alphabet) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return text.toString();
    }

    /** Puts {@code written} in a new journal at {@code file}, commits, and replays the file. */
    private Map<String, String> writtenThenReplayed(Path file, Map<String, String> written) throws Exception {
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            written.forEach(journal::put);
            journal.commit();
        }
        return replay(file);
    }

    @Test
    void uncommittedAndDiscardedUpdatesAreGone() throws Exception {
        Path file = dir.resolve("j");
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            journal.put("kept", "1");
            journal.commit();
            journal.put("discarded", "2");
            journal.discardPending();
            journal.commit();
            journal.put("never committed", "3");
        }

        assertThat(replay(file)).containsOnlyKeys("kept");
    }

    @Test
    void aRecordTornByACrashIsCutOffAndTheJournalStaysUsable() throws Exception {
        Path file = dir.resolve("j");
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            journal.put("whole", "1");
            journal.commit();
            journal.put("torn", "2");
            journal.commit();
        }
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // the crash hit the middle of the last record
        }

        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            journal.put("after", "3");
            journal.commit();
        }

        assertThat(replay(file)).containsOnlyKeys("whole", "after");
    }

    @Test
    void aCorruptedRecordEndsTheReplay() throws Exception {
        Path file = dir.resolve("j");
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            journal.put("first", "1");
            journal.put("second", "2");
            journal.commit();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(file, bytes);

        assertThat(replay(file)).containsOnlyKeys("first");
    }

    @Test
    void compactionRewritesTheLogFromTheLiveEntries() throws Exception {
        Path file = dir.resolve("j");
        Map<String, String> live = new LinkedHashMap<>();
        try (Journal journal = Journal.open(file, (k, v) -> { })) {
            for (int i = 0; i < 50_000; i++) {
                String key = "k" + (i % 100);
                live.put(key, Integer.toString(i));
                journal.put(key, Integer.toString(i));
            }
            long before = 0;
            journal.commit();
            before = Files.size(file);
            journal.commitAndCompact(live.size(), live.entrySet());
            assertThat(Files.size(file)).isLessThan(before / 100);
            journal.put("k0", "after compaction");
            journal.commit();
        }
        live.put("k0", "after compaction");

        assertThat(replay(file)).isEqualTo(live);
    }
}
