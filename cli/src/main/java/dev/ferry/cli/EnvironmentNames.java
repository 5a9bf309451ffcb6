package dev.ferry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The environment variables an option is read from: {@code FERRY_} and its long name in capitals,
 * dashes as underscores ({@code --trust-store-password} is {@code FERRY_TRUST_STORE_PASSWORD}),
 * then any name it had before, still honoured.
 */
final class EnvironmentNames {

    // FERRY_BROKER_URL predates the systematic names; deployments and the README use it.
    private static final Map<String, String> FORMER_NAMES = Map.of("--broker", "FERRY_BROKER_URL");

    private EnvironmentNames() {
    }

    /** The variables for {@code option}, the one that wins first. */
    static List<String> of(OptionSpec option) {
        List<String> names = new ArrayList<>();
        names.add("FERRY_" + key(option).toUpperCase(Locale.ROOT).replace('-', '_'));
        String former = FORMER_NAMES.get(option.longestName());
        if (former != null) {
            names.add(former);
        }
        return names;
    }

    /** The option's name in a config file and, in capitals, in its variable: its long name without the dashes. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }
}
