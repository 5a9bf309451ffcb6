package dev.ferry.cli;

import dev.ferry.cli.ConfigFile.ConfigFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The value of an option the command line does not give: from its environment variable (see
 * {@link EnvironmentNames}), else from the config file that {@code --config} or
 * {@code FERRY_CONFIG} names, else none, and picocli takes the built-in default. It remembers
 * where each value came from, for {@code ferry config} and for errors that name the variable or
 * the file and line.
 */
final class OptionDefaults implements IDefaultValueProvider {

    static final String CONFIG_OPTION = "--config";

    /** A value and where it was found. */
    record Supplied(String value, Origin origin) {
    }

    private final Map<String, String> environment;
    private final Map<ArgSpec, Supplied> supplied = new IdentityHashMap<>();
    private ConfigFile file;

    OptionDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        Optional<Supplied> found = lookup(option);
        if (found.isEmpty()) {
            supplied.remove(arg);
            return null;
        }
        supplied.put(arg, found.get());
        // picocli expands ${...} in a default and turns $$ into $; a password is meant as written.
        return found.get().value().replace("$", "$$");
    }

    /** Where the value of {@code option} came from in {@code parsed}, the result of parsing from the root. */
    Origin originOf(OptionSpec option, ParseResult parsed) {
        boolean global = option.inherited() || option.command().parent() == null;
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if ((global || level.commandSpec() == option.command()) && level.hasMatchedOption(option.longestName())) {
                return Origin.FLAG;
            }
        }
        // An inherited option takes its value, and its default, at the root.
        OptionSpec owner = option.inherited() ? option.command().root().findOption(option.longestName()) : option;
        Supplied found = supplied.get(owner);
        return found == null ? Origin.DEFAULT : found.origin();
    }

    /**
     * Where {@code value}, which picocli could not take for {@code arg}, came from, if it came from
     * here rather than the command line: for an error that names the variable or the file and line.
     */
    Optional<Origin> originOfRejected(ArgSpec arg, String value) {
        Supplied found = arg == null ? null : supplied.get(arg);
        if (found == null) {
            return Optional.empty();
        }
        // A list option rejects one of the values its split pattern cut the supplied one into.
        boolean supplied = found.value().equals(value) || !arg.splitRegex().isEmpty()
                && List.of(found.value().split(arg.splitRegex())).contains(value);
        return supplied ? Optional.of(found.origin()) : Optional.empty();
    }

    private Optional<Supplied> lookup(OptionSpec option) {
        for (String variable : EnvironmentNames.of(option)) {
            String value = environment.get(variable);
            // Compose passes an unset variable on as an empty one (${X:-}); both mean "not set".
            if (value != null && !value.isEmpty()) {
                return Optional.of(new Supplied(value, Origin.environment(variable)));
            }
        }
        if (CONFIG_OPTION.equals(option.longestName())) {
            return Optional.empty();
        }
        ConfigFile config;
        try {
            config = configFile(option.command().root());
        } catch (ConfigFileException unusable) {
            throw new ParameterException(option.command().commandLine(), unusable.getMessage());
        }
        if (config == null) {
            return Optional.empty();
        }
        return config.lookup(commandPath(option.command()), EnvironmentNames.key(option))
                .map(entry -> new Supplied(joined(option, entry, config.path()), Origin.file(config.path(), entry.line())));
    }

    /** The file {@code --config} names on the command line, else {@code FERRY_CONFIG}; read once. */
    private ConfigFile configFile(CommandSpec root) {
        OptionSpec option = root.findOption(CONFIG_OPTION);
        Object flag = option == null ? null : option.getValue();
        String variable = environment.get(EnvironmentNames.of(option).get(0));
        Path path = flag != null ? (Path) flag : variable == null || variable.isEmpty() ? null : Path.of(variable);
        if (path == null) {
            return null;
        }
        if (file == null || !file.path().equals(path)) {
            file = ConfigFile.read(path, root);
        }
        return file;
    }

    /**
     * A list from the file as picocli splits a list option's value: with the separator its split
     * pattern matches, a comma, or a line break for values that may hold commas (gitignore patterns).
     */
    private static String joined(OptionSpec option, ConfigFile.Entry entry, Path path) {
        List<String> values = entry.values();
        if (values.size() == 1) {
            return values.get(0);
        }
        String separator = null;
        if (option.isMultiValue() && !option.splitRegex().isEmpty()) {
            for (String candidate : List.of(",", "\n")) {
                if (Pattern.matches(option.splitRegex(), candidate)) {
                    separator = candidate;
                }
            }
        }
        String sep = separator;
        if (sep == null || values.stream().anyMatch(value -> value.contains(sep))) {
            throw new ParameterException(option.command().commandLine(), ConfigFile.where(path, entry.line())
                    + ": '" + entry.key() + "' takes " + (sep != null ? "values without "
                    + (sep.equals(",") ? "commas" : "line breaks") : "one value, not a list"));
        }
        return String.join(sep, values);
    }

    /** The names of {@code command} and its parents below the root: {@code [dlq, retry]}. */
    private static List<String> commandPath(CommandSpec command) {
        List<String> path = new ArrayList<>();
        for (CommandSpec level = command; level.parent() != null; level = level.parent()) {
            path.add(0, level.name());
        }
        return path;
    }
}
