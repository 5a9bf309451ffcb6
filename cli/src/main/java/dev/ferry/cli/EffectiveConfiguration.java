package dev.ferry.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options a command would run with: each value as the command sees it, with secrets masked,
 * and where it came from.
 *
 * @param command  the command's full name, "ferry producer"
 * @param settings one per option, in the order of its help
 * @param problems why the command would not run as it stands (a required option missing), if so
 */
record EffectiveConfiguration(String command, List<Setting> settings, List<String> problems) {

    /** What stands in for a secret. */
    static final String MASK = "****";

    private static final Pattern SECRET = Pattern.compile("(?i)password|secret|token");

    /**
     * One option.
     *
     * @param value its value as text (a list joined with commas), masked if secret, {@code null} if it has none
     */
    record Setting(String option, String value, Origin origin) {
    }

    /** The configuration of the command {@code parsed} ends in, its values in the parsed command objects. */
    static EffectiveConfiguration of(ParseResult parsed, OptionDefaults defaults, List<String> problems) {
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        CommandSpec command = leaf.commandSpec();
        List<Setting> settings = new ArrayList<>();
        for (OptionSpec option : command.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            settings.add(new Setting(option.longestName(), shown(option), defaults.originOf(option, parsed)));
        }
        return new EffectiveConfiguration(command.qualifiedName(), List.copyOf(settings), List.copyOf(problems));
    }

    /** Whether the value of an option called {@code name} is a secret: a password, secret or token. */
    static boolean isSecret(String name) {
        return SECRET.matcher(name).find();
    }

    private static String shown(OptionSpec option) {
        Object value = option.getValue();
        if (value == null) {
            return null;
        }
        if (isSecret(option.longestName())) {
            return MASK;
        }
        return value instanceof Collection<?> values ? String.join(",", values.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }
}
