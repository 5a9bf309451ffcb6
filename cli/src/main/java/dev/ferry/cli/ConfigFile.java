package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option values of a {@code --config} file: YAML, an option's long name without the dashes as
 * key, and a section per command for values only that command takes. A value at the top applies
 * to every command with that option; one in a section overrides it there.
 *
 * <pre>
 * broker: ssl://nas.local:61617     # producer, consumer, status, dlq
 * broker-user: ferry-producer
 * producer:
 *   source: /srv/photos
 * dlq:
 *   retry:
 *     force: true
 * </pre>
 *
 * <p>The file is checked against the commands as it is read: a key that is no option there, a
 * section that is no command, a key given twice, each fails with the file and line.
 */
final class ConfigFile {

    /**
     * One value, or several for an option that takes a list.
     *
     * @param section the command path of its section ({@code [dlq, retry]}); empty at the top
     */
    record Entry(List<String> section, String key, List<String> values, int line) {
    }

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final String CONFIG_KEY = "config";

    private final Path path;
    private final List<Entry> entries;

    private ConfigFile(Path path, List<Entry> entries) {
        this.path = path;
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code path} and checks its keys against the commands under {@code root}. */
    static ConfigFile read(Path path, CommandSpec root) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException("config file " + path + " does not exist");
        } catch (CharacterCodingException e) {
            throw new ConfigFileException("config file " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigFileException("cannot read config file " + path + ": " + ErrorReporter.describe(e));
        }
        List<Entry> entries = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new ConfigFile(path, entries);
            }
            Reader reader = new Reader(path, parser, entries);
            if (first != JsonToken.START_OBJECT) {
                throw reader.problem(line(parser.currentTokenLocation()), "expected lines of 'option: value'");
            }
            reader.section(root, List.of());
            if (parser.nextToken() != null) {
                throw reader.problem(line(parser.currentTokenLocation()), "expected one YAML document, found more");
            }
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
            throw new ConfigFileException(where(path, line(e.getLocation())) + ": " + why);
        } catch (IOException e) {
            throw new ConfigFileException("cannot read config file " + path + ": " + ErrorReporter.describe(e));
        }
        return new ConfigFile(path, entries);
    }

    Path path() {
        return path;
    }

    /** The value of {@code key} for {@code command} (its path below the root): from its own section, else the nearest above. */
    Optional<Entry> lookup(List<String> command, String key) {
        for (int depth = command.size(); depth >= 0; depth--) {
            List<String> section = command.subList(0, depth);
            for (Entry entry : entries) {
                if (entry.section().equals(section) && entry.key().equals(key)) {
                    return Optional.of(entry);
                }
            }
        }
        return Optional.empty();
    }

    /** "config file PATH line N". */
    static String where(Path path, int line) {
        return "config file " + path + (line > 0 ? " line " + line : "");
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    /** Walks the YAML tokens, one mapping (section) at a time. */
    private record Reader(Path path, JsonParser parser, List<Entry> entries) {

        void section(CommandSpec command, List<String> section) throws IOException {
            Map<String, Integer> seen = new HashMap<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String key = parser.currentName();
                int line = line(parser.currentTokenLocation());
                Integer before = seen.putIfAbsent(key, line);
                if (before != null) {
                    throw problem(line, "'" + key + "' is given twice (first on line " + before + ")");
                }
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    section(subcommand(command, key, line), append(section, key));
                } else {
                    requireOption(command, key, line);
                    entries.add(new Entry(section, key, values(key, line), line));
                }
            }
        }

        private CommandSpec subcommand(CommandSpec command, String key, int line) {
            var sub = command.subcommands().get(key);
            if (sub != null) {
                return sub.getCommandSpec();
            }
            if (optionIn(command, key).isPresent() || CONFIG_KEY.equals(key)) {
                throw problem(line, "'" + key + "' takes a value, not a list of options");
            }
            throw problem(line, "unknown section '" + key + "': " + command.qualifiedName() + " has no such command");
        }

        private void requireOption(CommandSpec command, String key, int line) {
            if (CONFIG_KEY.equals(key)) {
                throw problem(line, "'config' cannot be set in a config file; give --config or FERRY_CONFIG");
            }
            if (optionIn(command, key).isPresent()) {
                return;
            }
            if (command.subcommands().containsKey(key)) {
                throw problem(line, "'" + key + "' is a command: give its options indented under '" + key + ":'");
            }
            if (command.parent() != null && isGlobal(command.root(), key)) {
                throw problem(line, "'" + key + "' applies to every command: set it at the top of the file, "
                        + "outside any section");
            }
            String why = command.parent() == null ? "no ferry command has an option --" + key
                    : command.subcommands().isEmpty() ? command.qualifiedName() + " has no option --" + key
                    : "no command of " + command.qualifiedName() + " has an option --" + key;
            throw problem(line, "unknown key '" + key + "': " + why);
        }

        private static boolean isGlobal(CommandSpec root, String key) {
            return root.options().stream().anyMatch(option -> EnvironmentNames.key(option).equals(key));
        }

        /** The option {@code key} of {@code command} or of a command below it, not counting inherited ones. */
        private static Optional<OptionSpec> optionIn(CommandSpec command, String key) {
            for (OptionSpec option : command.options()) {
                if (!option.inherited() && !option.usageHelp() && !option.versionHelp()
                        && EnvironmentNames.key(option).equals(key)) {
                    return Optional.of(option);
                }
            }
            for (var sub : command.subcommands().values()) {
                Optional<OptionSpec> found = optionIn(sub.getCommandSpec(), key);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        private List<String> values(String key, int line) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.START_ARRAY) {
                List<String> values = new ArrayList<>();
                for (token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    values.add(scalar(key, line));
                }
                if (values.isEmpty()) {
                    throw problem(line, "'" + key + "' has an empty list; leave the key out instead");
                }
                return values;
            }
            return List.of(scalar(key, line));
        }

        private String scalar(String key, int line) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                throw problem(line, "'" + key + "' has no value");
            }
            if (!token.isScalarValue()) {
                throw problem(line, "'" + key + "' takes a value or a list of values");
            }
            return parser.getText();
        }

        ConfigFileException problem(int line, String message) {
            return new ConfigFileException(where(path, line) + ": " + message);
        }

        private static List<String> append(List<String> section, String key) {
            List<String> longer = new ArrayList<>(section);
            longer.add(key);
            return List.copyOf(longer);
        }
    }

    /** A config file that cannot be used, with the file, line and key in the message. */
    static final class ConfigFileException extends IllegalArgumentException {
        ConfigFileException(String message) {
            super(message);
        }
    }
}
