package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.ignore.IgnoreRules;
import dev.ferry.verify.Difference;
import dev.ferry.verify.TreeComparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Compares a source tree with its mirror. Exit status, as diff's: 0 equal, 1 different, 2 usage
 * error or trouble (such as a directory that is not there), so that 1 always means "differs".
 */
@Command(name = "verify",
        description = {"Compare a directory with its mirror.",
                "Compares paths, types, sizes and contents (SHA-256), permission bits, modification times "
                        + "(to the millisecond) and symlink targets, skipping ignored paths and DST/.ferry. "
                        + "Prints one line per difference. Exit status: 0 equal, 1 different, 2 usage error "
                        + "or trouble comparing."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry verify --source ~/photos --dest /mnt/backup/photos"})
final class VerifyCommand implements Callable<Integer> {

    static final int EQUAL = 0;
    static final int DIFFERENT = 1;
    static final int TROUBLE = 2;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Ferry ferry;

    @Option(names = "--source", required = true, paramLabel = "SRC", description = "The directory replicated.")
    Path source;

    @Option(names = "--dest", required = true, paramLabel = "DST", description = "Its mirror.")
    Path dest;

    @Option(names = "--json", fallbackValue = "true", description = "Print one JSON document instead: {source, dest, differences: "
            + "[{path, kind, source, dest}], skipped: [{path, reason}], entries, equal}.")
    boolean json;

    @Mixin
    IgnoreOptions ignore;

    @Override
    public Integer call() {
        try {
            return verify();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            ErrorReporter.report(e, spec.commandLine().getErr(), ferry != null && ferry.verbose);
            return TROUBLE;
        }
    }

    private int verify() throws IOException {
        Path sourceDir = Directories.source(source);
        Path destDir = Directories.existing(dest, "destination");
        IgnoreRules rules = ignore.settings().rulesFor(sourceDir);
        PrintWriter out = spec.commandLine().getOut();
        TreeComparison.Summary summary = json ? printJson(sourceDir, destDir, rules, out)
                : printLines(sourceDir, destDir, rules, out);
        out.flush();
        return summary.equal() ? EQUAL : DIFFERENT;
    }

    /** One line per difference as it is found, then a summary line; skipped entries go to stderr. */
    private TreeComparison.Summary printLines(Path sourceDir, Path destDir, IgnoreRules rules, PrintWriter out)
            throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        TreeComparison.Summary summary = TreeComparison.compare(sourceDir, destDir, rules,
                new TreeComparison.Listener() {
                    @Override
                    public void difference(Difference difference) {
                        out.println(difference);
                    }

                    @Override
                    public void skipped(String path, String reason) {
                        err.println("ferry: not compared: " + path + " (" + reason + ")");
                    }
                });
        String compared = " (" + count(summary.entries(), "entry", "entries") + " compared)";
        out.println(summary.equal() ? sourceDir + " and " + destDir + " are equal" + compared
                : count(summary.differences(), "difference", "differences") + " between " + sourceDir + " and "
                        + destDir + compared);
        return summary;
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The differences stream out as they are found, so a large list never sits in memory. */
    private TreeComparison.Summary printJson(Path sourceDir, Path destDir, IgnoreRules rules, PrintWriter out)
            throws IOException {
        List<String[]> skipped = new ArrayList<>();
        JsonGenerator json = new JsonFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeStringField("source", sourceDir.toString());
        json.writeStringField("dest", destDir.toString());
        json.writeArrayFieldStart("differences");
        TreeComparison.Summary summary = TreeComparison.compare(sourceDir, destDir, rules,
                new TreeComparison.Listener() {
                    @Override
                    public void difference(Difference difference) {
                        try {
                            json.writeStartObject();
                            json.writeStringField("path", difference.path());
                            json.writeStringField("kind", difference.kind().word());
                            json.writeStringField("source", difference.source());
                            json.writeStringField("dest", difference.dest());
                            json.writeEndObject();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }

                    @Override
                    public void skipped(String path, String reason) {
                        skipped.add(new String[] {path, reason});
                    }
                });
        json.writeEndArray();
        json.writeArrayFieldStart("skipped");
        for (String[] entry : skipped) {
            json.writeStartObject();
            json.writeStringField("path", entry[0]);
            json.writeStringField("reason", entry[1]);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("entries", summary.entries());
        json.writeBooleanField("equal", summary.equal());
        json.writeEndObject();
        json.flush();
        out.println();
        return summary;
    }
}
