package dev.ferry.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ferry} command. Exit status: 0 success, 2 usage error, 1 anything else, reported as
 * one line on stderr (see {@link ErrorReporter}).
 *
 * <p>Every option not on the command line may come from the environment or a config file (see
 * {@link OptionDefaults}). A boolean flag has {@code fallbackValue = "true"}: without it picocli
 * would flip a flag whose default the environment or file made true, so {@code --once} would
 * mean "not once".
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
                StatusCommand.class, MirrorCommand.class, DlqCommand.class, VerifyCommand.class, ConfigCommand.class,
                KeygenCommand.class, CompletionCommand.class},
        footerHeading = "%nExample:%n",
        footer = {"  ferry up --source ~/photos --dest /mnt/backup/photos",
                "",
                "Configuration:",
                "  Every option can also be set in the environment, as FERRY_ and its name in",
                "  capitals (--broker-password: FERRY_BROKER_PASSWORD), or in the YAML file",
                "  that --config or FERRY_CONFIG names. The command line wins, then the",
                "  environment, then the file. 'ferry config COMMAND' shows what a command",
                "  would use, and from where."})
public final class Ferry implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = OptionDefaults.CONFIG_OPTION, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Take the options not given here from FILE, a YAML file of 'option: value' "
                    + "lines with a section per command (see 'ferry config').")
    Path config;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, fallbackValue = "true",
            description = "Log details (DEBUG) and print the stack trace of a failure.")
    boolean verbose;

    @Option(names = "--quiet", scope = ScopeType.INHERIT, fallbackValue = "true",
            description = "Log only warnings and errors.")
    boolean quiet;

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "text",
            description = "How to log on stderr: text (default), or json, one JSON object per line.")
    LogFormat logFormat;

    private final Map<String, String> environment;
    private final OptionDefaults defaults;
    private Logging.Verbosity verbosity = Logging.Verbosity.NORMAL;

    private Ferry(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.defaults = new OptionDefaults(environment);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Ferry's exit codes and error reporting; tests redirect its out and err. */
    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line that takes option values missing from its arguments from {@code environment}. */
    static CommandLine commandLine(Map<String, String> environment) {
        Ferry ferry = new Ferry(environment);
        CommandLine commandLine = new CommandLine(ferry);
        commandLine.setDefaultValueProvider(ferry.defaults);
        commandLine.setExecutionStrategy(Ferry::execute);
        commandLine.setParameterExceptionHandler(Ferry::reportUsageError);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> ferry.report(failure, failed));
        // Everything after `ferry config COMMAND` belongs to COMMAND.
        commandLine.getSubcommands().get(ConfigCommand.NAME).setStopAtPositional(true);
        return commandLine;
    }

    /** The root command of {@code spec}'s command line. */
    static Ferry of(CommandSpec spec) {
        return (Ferry) spec.root().userObject();
    }

    /** The environment this command line reads, in place of the process's. */
    Map<String, String> environment() {
        return environment;
    }

    OptionDefaults defaults() {
        return defaults;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of up, broker, consumer, producer, status, mirror, dlq, verify, config, "
                        + "keygen, completion");
    }

    private static int execute(ParseResult parseResult) {
        Ferry ferry = of(parseResult.commandSpec());
        ferry.verbosity = ferry.verbosity(parseResult);
        Logging.configure(ferry.logFormat, ferry.verbosity);
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** A failure at run time: one line on stderr, or one ERROR event when the log is JSON. */
    private int report(Exception failure, CommandLine failed) {
        boolean details = verbosity == Logging.Verbosity.VERBOSE;
        return logFormat == LogFormat.json ? ErrorReporter.log(failure, details)
                : ErrorReporter.report(failure, failed.getErr(), details);
    }

    /** --verbose or --quiet; when both are set, the one from the stronger place (flag, env, file) wins. */
    private Logging.Verbosity verbosity(ParseResult parseResult) {
        if (verbose && quiet) {
            Origin verboseOrigin = defaults.originOf(spec.findOption("--verbose"), parseResult);
            Origin quietOrigin = defaults.originOf(spec.findOption("--quiet"), parseResult);
            if (verboseOrigin.beats(quietOrigin)) {
                return Logging.Verbosity.VERBOSE;
            }
            if (quietOrigin.beats(verboseOrigin)) {
                return Logging.Verbosity.QUIET;
            }
            throw new ParameterException(spec.commandLine(), "--verbose (" + verboseOrigin + ") and --quiet ("
                    + quietOrigin + ") contradict each other; give one");
        }
        return verbose ? Logging.Verbosity.VERBOSE : quiet ? Logging.Verbosity.QUIET : Logging.Verbosity.NORMAL;
    }

    /** One line, as scripts expect of any failure: the problem, a suggestion if picocli has one, where to look. */
    private static int reportUsageError(ParameterException problem, String[] args) {
        CommandLine failed = problem.getCommandLine();
        String suggestion = "";
        if (problem instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            suggestion = " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
        }
        failed.getErr().println("ferry: " + placeOf(problem) + problem.getMessage() + suggestion + "; see '"
                + failed.getCommandSpec().qualifiedName() + " --help'");
        failed.getErr().flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** "FERRY_QUEUE_SIZE: " or "config file F line 3, key queue-size: " when the rejected value came from there. */
    private static String placeOf(ParameterException problem) {
        if (!(problem.getArgSpec() instanceof OptionSpec option)) {
            return "";
        }
        return of(problem.getCommandLine().getCommandSpec()).defaults.originOfRejected(option, problem.getValue())
                .map(origin -> origin.inWords()
                        + (origin.source() == Origin.Source.FILE ? ", key " + EnvironmentNames.key(option) : "") + ": ")
                .orElse("");
    }
}
