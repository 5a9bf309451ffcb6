package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Scenario 9: the first copy of a tree of text files (issue 15): how many bytes go through the
 * broker for them, against their own size. The texts are Ferry's own sources (its {@code *.java},
 * {@code *.md} and {@code *.xml}), copied in turn until there are as many files as the mode asks.
 */
final class TextCompression implements Scenario {

    static final int ID = 9;
    /** Issue 15's bound: bytes through the broker at most this share of the files' own bytes. */
    private static final double RATIO_LIMIT = 0.4;
    private static final double MIB = 1 << 20;

    @Override
    public int id() {
        return ID;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(ID, "Compression of text", InitialSync.count(mode.textFiles) + " text files (this "
                + "repository's *.java, *.md and *.xml, repeated) in " + InitialSync.count(mode.textDirs)
                + " directories");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        List<Path> texts = DataSets.sourceTexts(context.repository);
        if (texts.isEmpty()) {
            throw new BenchException("no *.java, *.md or *.xml file under " + context.repository);
        }
        Path source = context.freshDir("s9-src");
        Progress.say("scenario 9: generating " + result.setup);
        long raw = DataSets.textFiles(source, texts, context.mode.textFiles, context.mode.textDirs);
        TreeSnapshot expected = TreeSnapshot.of(source);
        Duration timeout = context.timeoutForFiles(context.mode.textFiles);
        result.references.add(new ScenarioResult.Reference("Deflate level 1, file by file",
                deflatedSize(texts, context.mode.textFiles) / (double) raw));
        Series seconds = result.detailSeries("Ferry: initial sync, as scenario 1 times it", Unit.SECONDS);
        Series broker = result.detailSeries("Ferry: bytes through the broker", Unit.MEBIBYTES);
        Series messages = result.detailSeries("Ferry: messages through the broker", Unit.MESSAGES);
        result.detailSeries("the files' own bytes (raw size)", Unit.MEBIBYTES).add(raw / MIB);
        FerrySync sync = new FerrySync(context, source, expected, List.of(), timeout, result, false)
                .countingBrokerTraffic(broker, messages);
        result.method.add("The data: the " + texts.size() + " *.java, *.md and *.xml files of the repository the "
                + "benchmark ran from (build output, hidden directories and bench/results left out), taken in turn "
                + "by path until there are " + InitialSync.count(context.mode.textFiles) + ", each copy a file of its "
                + "own; " + Unit.MEBIBYTES.format(raw / MIB) + " in all. The ratio moves a little as the repository's "
                + "sources change.");
        result.method.add("Ferry makes a first copy as in scenario 1 (fresh broker, consumer attached, `producer "
                + "--once` timed until nothing waits). Bytes through the broker: what its statistics plugin says it "
                + "took onto the mirror's queue (enqueue count × average message size), as scenarios 7 and 8 "
                + "measure it: body + properties + a fixed 1,024 bytes a message for its headers (ActiveMQ's "
                + "allowance). The ratio divides that by the files' own bytes, so what the messages carry besides "
                + "(paths, hashes, times, framing) counts against Ferry.");
        result.method.add(FerryCpu.METHOD);
        result.method.add("For context, not a tool run: the size the same files would have each compressed alone "
                + "with java.util.zip's Deflater at level 1 (a fast setting of a common codec), divided by their "
                + "own size.");
        Alternation.Contender ferry = new Alternation.Contender(result.mainSeries("Ferry", Unit.RATIO_TO_RAW),
                repetition -> {
                    seconds.add(sync.measure(repetition));
                    List<Double> sent = broker.values();
                    return sent.get(sent.size() - 1) * MIB / raw;
                });
        Alternation.run(result, context.repetitions, List.of(ferry));
        result.targets.add(TargetCheck.atMost("bytes through the broker at most " + RATIO_LIMIT + " of the raw size",
                result.ferry().median(), RATIO_LIMIT, Unit.RATIO_TO_RAW));
        context.remove(source);
    }

    /** The bytes the first {@code files} copies of {@code texts} (taken in turn) take deflated one by one. */
    private static long deflatedSize(List<Path> texts, int files) throws IOException {
        long total = 0;
        byte[] out = new byte[1 << 16];
        for (int i = 0; i < texts.size() && i < files; i++) {
            long copies = (files - i + texts.size() - 1) / texts.size();
            Deflater deflater = new Deflater(1);
            try {
                deflater.setInput(Files.readAllBytes(texts.get(i)));
                deflater.finish();
                long size = 0;
                while (!deflater.finished()) {
                    size += deflater.deflate(out);
                }
                total += size * copies;
            } finally {
                deflater.end();
            }
        }
        return total;
    }
}
