package dev.ferry.bench;

/**
 * How big the benchmark is. FULL runs the sizes issue 5 names, five times each; QUICK runs tiny
 * versions once, so CI proves in about a minute that every scenario still works.
 */
enum Mode {
    QUICK(1, 200, 10, 0, 0, 32L << 20, 30, 300, 10, 200, 10, 300, 10, 32L << 20, 1_000, 10, new int[] {1_000, 10_000}),
    FULL(5, 10_000, 100, 100_000, 1_000, 1L << 30, 500, 100_000, 1_000, 10_000, 100, 100_000, 1_000, 1L << 30, 10_000,
            100, new int[] {10_000, 100_000, 1_000_000});

    final int repetitions;
    final int initialFiles;
    final int initialDirs;
    /** 0 when the mode skips scenario 2. */
    final int largeTreeFiles;
    final int largeTreeDirs;
    final long bigFileBytes;
    final int latencyFiles;
    final int noopFiles;
    final int noopDirs;
    final int replayFiles;
    final int replayDirs;
    final int repairFiles;
    final int repairDirs;
    /** Scenario 8: the size of the file changed after it was mirrored. */
    final long deltaFileBytes;
    /** Scenario 9: the text files and their directories. */
    final int textFiles;
    final int textDirs;
    /** Scenario 10: the files of each tree, smallest first (a directory per 100). */
    private final int[] scaleFiles;

    Mode(int repetitions, int initialFiles, int initialDirs, int largeTreeFiles, int largeTreeDirs, long bigFileBytes,
         int latencyFiles, int noopFiles, int noopDirs, int replayFiles, int replayDirs, int repairFiles,
         int repairDirs, long deltaFileBytes, int textFiles, int textDirs, int[] scaleFiles) {
        this.repetitions = repetitions;
        this.initialFiles = initialFiles;
        this.initialDirs = initialDirs;
        this.largeTreeFiles = largeTreeFiles;
        this.largeTreeDirs = largeTreeDirs;
        this.bigFileBytes = bigFileBytes;
        this.latencyFiles = latencyFiles;
        this.noopFiles = noopFiles;
        this.noopDirs = noopDirs;
        this.replayFiles = replayFiles;
        this.replayDirs = replayDirs;
        this.repairFiles = repairFiles;
        this.repairDirs = repairDirs;
        this.deltaFileBytes = deltaFileBytes;
        this.textFiles = textFiles;
        this.textDirs = textDirs;
        this.scaleFiles = scaleFiles.clone();
    }

    /** Scenario 10: the files of each tree, smallest first. */
    int[] scaleFiles() {
        return scaleFiles.clone();
    }

    String flag() {
        return "--" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
