package dev.ferry.consumer.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.verify.HashCache;
import dev.ferry.wire.DirectoryDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorSurveyTest {

    @TempDir
    Path dir;

    @Test
    void hashesLetGoAreKeptInTheirJournalAndTheNextSurveyTakesThemBack() throws Exception {
        Path root = Files.createDirectories(dir.resolve("mirror"));
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "one");
        Thread.sleep(2_100); // A hash is remembered only once its file has rested two seconds (HashCache).
        Path journal = dir.resolve("hashes.journal");
        try (MirrorSurvey survey = new MirrorSurvey(root, journal)) {
            Map<String, DirectoryDigest> first = survey.digests();
            survey.release();
            survey.release(); // Twice is harmless: nothing is held.
            try (HashCache kept = HashCache.open(root, journal)) {
                assertThat(kept.size()).as("hashes committed when let go").isEqualTo(1);
            }

            Files.writeString(root.resolve("d/a.txt"), "two"); // The next survey forgets the old hash.

            assertThat(survey.digests().get("d")).isNotEqualTo(first.get("d"));
            assertThat(survey.listings(List.of("d")).get("d")).hasSize(1);
        }
    }
}
