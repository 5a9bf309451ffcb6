package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.util.Map;

/**
 * How much file body a survey found to send, told to the {@link ProducerObserver} so progress has
 * a total: the files whose content differs from what was published, and their sizes.
 */
record Workload(long files, long bytes) {

    static Workload of(TreeSurvey.Differences differences, SourceIndex index) {
        long files = 0;
        long bytes = 0;
        for (Map.Entry<RelPath, Entry> changed : differences.changed().entrySet()) {
            Entry seen = changed.getValue();
            Entry known = index.get(changed.getKey());
            if (seen.isFile() && (known == null || !known.sameContent(seen))) {
                files++;
                bytes += seen.size();
            }
        }
        return new Workload(files, bytes);
    }
}
