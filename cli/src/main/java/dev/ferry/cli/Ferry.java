package dev.ferry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ferry} command. Exit status: 0 success, 2 usage error, 1 anything else, reported as
 * one line on stderr (see {@link ErrorReporter}).
 */
@Command(name = "ferry",
        // Inherited: every subcommand has --help and --version and the same look.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = FerryVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Replicates a directory through a persistent ActiveMQ Classic queue.",
        subcommands = {UpCommand.class, BrokerCommand.class, ConsumerCommand.class, ProducerCommand.class,
                StatusCommand.class, DlqCommand.class, VerifyCommand.class},
        footerHeading = "%nExample:%n",
        footer = {"  ferry up --source ~/photos --dest /mnt/backup/photos",
                "",
                "Environment:",
                "  FERRY_BROKER_URL       broker URL when --broker is not given",
                "                         (default tcp://localhost:61616)",
                "  FERRY_BROKER_USER      user name for the broker; when it is set, the",
                "                         brokers of `broker` and `up` admit only this user",
                "  FERRY_BROKER_PASSWORD  that user's password"})
public final class Ferry implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log details (DEBUG) and print the stack trace of a failure.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Ferry's exit codes and error reporting; tests redirect its out and err. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Ferry());
        commandLine.setExecutionStrategy(Ferry::execute);
        commandLine.setParameterExceptionHandler(Ferry::reportUsageError);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) ->
                ErrorReporter.report(failure, failed.getErr(), verbose(parseResult)));
        return commandLine;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of up, broker, consumer, producer, status, dlq, verify");
    }

    private static int execute(ParseResult parseResult) {
        if (verbose(parseResult)) {
            Logging.verbose();
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** One line, as scripts expect of any failure: the problem, a suggestion if picocli has one, where to look. */
    private static int reportUsageError(ParameterException problem, String[] args) {
        CommandLine failed = problem.getCommandLine();
        String suggestion = "";
        if (problem instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            suggestion = " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
        }
        failed.getErr().println("ferry: " + problem.getMessage() + suggestion + "; see '"
                + failed.getCommandSpec().qualifiedName() + " --help'");
        failed.getErr().flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }
}
