package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A baseline that makes a copy with one command (rsync, cp), timed from its start to its exit,
 * and checked against the source after the clock has stopped.
 */
final class CopyCommand implements Alternation.Run {

    private final BenchContext context;
    private final String name;
    private final Path source;
    private final TreeSnapshot expected;
    private final Function<Path, List<String>> commandForDestination;
    private final Duration timeout;

    /**
     * @param commandForDestination the command, given a destination directory that does not exist yet
     */
    CopyCommand(BenchContext context, String name, Path source, TreeSnapshot expected,
                Function<Path, List<String>> commandForDestination, Duration timeout) {
        this.context = context;
        this.name = name;
        this.source = source;
        this.expected = expected;
        this.commandForDestination = commandForDestination;
        this.timeout = timeout;
    }

    @Override
    public double measure(int repetition) throws Exception {
        Path destination = context.absentPath("copy-dst");
        List<String> command = commandForDestination.apply(destination);
        context.settleDisk();
        long start = System.nanoTime();
        context.launcher.run(name.replaceAll("[^A-Za-z0-9]+", "-"), command, timeout);
        double seconds = BenchContext.secondsSince(start);
        TreeSnapshot.of(destination).requireEqualTo(expected, name + ", repetition " + repetition);
        context.remove(destination);
        return seconds;
    }

    /** {@code rsync OPTIONS SRC/ DST/}: the contents of SRC into DST. */
    static Function<Path, List<String>> rsync(Path source, String... options) {
        return destination -> {
            List<String> command = new java.util.ArrayList<>(List.of("rsync"));
            command.addAll(List.of(options));
            command.add(source + "/");
            command.add(destination + "/");
            return command;
        };
    }

    /** {@code cp -a SRC DST}: DST does not exist, so it becomes the copy of SRC. */
    static Function<Path, List<String>> cpArchive(Path source) {
        return destination -> List.of("cp", "-a", source.toString(), destination.toString());
    }
}
