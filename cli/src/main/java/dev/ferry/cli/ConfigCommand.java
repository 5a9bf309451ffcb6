package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.wire.Printable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * Shows what a command would run with: it parses the command as it would be run, in the same
 * environment and with the same config file, and reports each option's value and origin.
 */
@Command(name = ConfigCommand.NAME,
        description = {"Show the options a command would run with, and where each value comes from.",
                "For each option of COMMAND: its value, and 'flag', 'env VARIABLE', 'file PATH:LINE' or "
                        + "'default'. Passwords, secrets and tokens show as " + EffectiveConfiguration.MASK + ". "
                        + "What follows COMMAND counts as its command line; without COMMAND, the options of "
                        + "every command are shown.",
                "",
                "Precedence: command line, then environment (FERRY_ and the option's name in capitals: "
                        + "--broker-user is FERRY_BROKER_USER; --broker also reads FERRY_BROKER_URL), then the "
                        + "config file (--config FILE or FERRY_CONFIG), then the built-in default.",
                "",
                "The config file is YAML: 'option: value' lines, the option's long name without dashes. "
                        + "A value at the top applies to every command with that option; one under a "
                        + "command's name ('producer:', 'dlq:' then 'retry:') only to that command. A list "
                        + "option takes a YAML list. A boolean option set to true there is turned off on the "
                        + "command line with --option=false."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry --config ferry.yaml config producer --once",
                "",
                "A config file:",
                "  broker: tcp://nas.local:61616",
                "  broker-user: ferry-producer",
                "  log-format: json",
                "  producer:",
                "    source: /srv/photos",
                "  consumer:",
                "    dest: /mnt/mirror/photos"})
final class ConfigCommand implements Callable<Integer> {

    static final String NAME = "config";

    @Spec
    CommandSpec spec;

    @Option(names = "--json", fallbackValue = "true",
            description = "Print a JSON object {command, options: [{option, value, origin, where}], problems}.")
    boolean json;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command to show, with any of its options (e.g. 'producer --once').")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        List<EffectiveConfiguration> shown = new ArrayList<>();
        if (command.isEmpty()) {
            shown.add(configurationOf(List.of()));
            for (List<String> each : commandPaths(spec.root(), List.of())) {
                shown.add(configurationOf(each));
            }
        } else {
            shown.add(configurationOf(command));
        }
        if (json) {
            Object document = shown.size() == 1 ? toJson(shown.get(0)) : shown.stream().map(ConfigCommand::toJson).toList();
            out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } else {
            for (int i = 0; i < shown.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                print(shown.get(i), out);
            }
        }
        out.flush();
        return 0;
    }

    /** Parses {@code ferry <args>} as it would run, in this environment and with this command's global flags. */
    private EffectiveConfiguration configurationOf(List<String> args) {
        CommandLine target = Ferry.commandLine(Ferry.of(spec).environment());
        target.setOut(spec.commandLine().getOut());
        target.setErr(spec.commandLine().getErr());
        collectErrors(target);
        List<String> fullArgs = new ArrayList<>(globalFlags());
        fullArgs.addAll(args);
        ParseResult parsed = target.parseArgs(fullArgs.toArray(String[]::new));
        List<String> problems = new ArrayList<>();
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            for (Exception error : level.errors()) {
                if (!(error instanceof MissingParameterException missing)) {
                    // A bad value, an unknown option or key: as if the command itself had been run.
                    throw error instanceof ParameterException usage ? usage
                            : new ParameterException(target, error.getMessage(), error, null, null);
                }
                problems.add(missing.getMessage());
            }
        }
        return EffectiveConfiguration.of(parsed, Ferry.of(target.getCommandSpec()).defaults(), problems);
    }

    /** The global options given to this command ({@code ferry --config F config ...}), passed on to the one shown. */
    private List<String> globalFlags() {
        CommandSpec root = spec.root();
        ParseResult parsed = root.commandLine().getParseResult();
        List<String> flags = new ArrayList<>();
        for (OptionSpec option : root.options()) {
            if (!option.usageHelp() && !option.versionHelp()
                    && Ferry.of(spec).defaults().originOf(option, parsed) == Origin.FLAG) {
                flags.add(option.longestName() + "=" + option.getValue());
            }
        }
        return flags;
    }

    /** Every runnable command below {@code command}, as the names that lead to it. */
    private static List<List<String>> commandPaths(CommandSpec command, List<String> above) {
        List<List<String>> paths = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : command.subcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().name().equals(sub.getKey())) {
                List<String> path = new ArrayList<>(above);
                path.add(sub.getKey());
                List<List<String>> below = commandPaths(sub.getValue().getCommandSpec(), path);
                paths.addAll(below.isEmpty() ? List.of(path) : below);
            }
        }
        return paths;
    }

    private static void collectErrors(CommandLine commandLine) {
        commandLine.getCommandSpec().parser().collectErrors(true);
        commandLine.getSubcommands().values().forEach(ConfigCommand::collectErrors);
    }

    private static void print(EffectiveConfiguration configuration, PrintWriter out) {
        out.println(configuration.command());
        int width = configuration.settings().stream().mapToInt(s -> s.option().length()).max().orElse(0);
        int valueWidth = configuration.settings().stream().mapToInt(s -> shown(s.value()).length()).max().orElse(0);
        for (EffectiveConfiguration.Setting setting : configuration.settings()) {
            out.println("  " + pad(setting.option(), width) + "  " + pad(shown(setting.value()), valueWidth) + "  "
                    + setting.origin());
        }
        for (String problem : configuration.problems()) {
            out.println("  would not run: " + problem);
        }
    }

    private static String shown(String value) {
        return value == null ? "-" : Printable.escape(value);
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }

    private static Map<String, Object> toJson(EffectiveConfiguration configuration) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("command", configuration.command());
        document.put("options", configuration.settings().stream().map(setting -> {
            Map<String, Object> option = new LinkedHashMap<>();
            option.put("option", setting.option());
            option.put("value", setting.value());
            option.put("origin", setting.origin().source().label());
            option.put("where", setting.origin().where());
            return option;
        }).toList());
        document.put("problems", configuration.problems());
        return document;
    }
}
