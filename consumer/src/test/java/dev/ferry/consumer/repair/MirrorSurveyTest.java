package dev.ferry.consumer.repair;

import static org.assertj.core.api.Assertions.assertThat;

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
    void hashesLetGoAreTakenBackByTheNextSurvey() throws Exception {
        Path root = Files.createDirectories(dir.resolve("mirror"));
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "one");
        try (MirrorSurvey survey = new MirrorSurvey(root, dir.resolve("hashes.journal"))) {
            assertThat(survey.holdsHashes()).as("nothing held before a survey").isFalse();
            Map<String, DirectoryDigest> first = survey.digests();
            assertThat(survey.holdsHashes()).isTrue();

            survey.release();
            assertThat(survey.holdsHashes()).isFalse();
            survey.release(); // Twice is harmless: nothing is held.

            assertThat(survey.digests()).isEqualTo(first);
            assertThat(survey.holdsHashes()).isTrue();
            Files.writeString(root.resolve("d/a.txt"), "two");
            survey.release();

            assertThat(survey.digests().get("d")).isNotEqualTo(first.get("d"));
            assertThat(survey.listings(List.of("d")).get("d")).hasSize(1);
        }
    }
}
