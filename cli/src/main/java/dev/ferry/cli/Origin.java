package dev.ferry.cli;

import java.nio.file.Path;

/**
 * Where the value of an option came from, in the order of precedence: the command line beats the
 * environment, which beats the config file, which beats the built-in default.
 *
 * @param source   the kind of place
 * @param variable the environment variable, for {@link Source#ENVIRONMENT}
 * @param file     the config file, for {@link Source#FILE}
 * @param line     the line in {@code file}
 */
record Origin(Source source, String variable, Path file, int line) {

    /** The kinds of place, strongest first. */
    enum Source {
        FLAG("flag"), ENVIRONMENT("env"), FILE("file"), DEFAULT("default");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** How {@code ferry config} names it: flag, env, file or default. */
        String label() {
            return label;
        }
    }

    static final Origin FLAG = new Origin(Source.FLAG, null, null, 0);
    static final Origin DEFAULT = new Origin(Source.DEFAULT, null, null, 0);

    static Origin environment(String variable) {
        return new Origin(Source.ENVIRONMENT, variable, null, 0);
    }

    static Origin file(Path file, int line) {
        return new Origin(Source.FILE, null, file, line);
    }

    /** Whether this origin overrides {@code other}. */
    boolean beats(Origin other) {
        return source.ordinal() < other.source.ordinal();
    }

    /** The variable, or the file and line ("/etc/ferry.yaml:3"); {@code null} for a flag or the default. */
    String where() {
        return switch (source) {
            case ENVIRONMENT -> variable;
            case FILE -> file + ":" + line;
            default -> null;
        };
    }

    /** For an error message: "FERRY_QUEUE", "config file /etc/ferry.yaml line 3". */
    String inWords() {
        return switch (source) {
            case ENVIRONMENT -> variable;
            case FILE -> ConfigFile.where(file, line);
            case FLAG -> "the command line";
            case DEFAULT -> "the default";
        };
    }

    /** "flag", "env FERRY_BROKER", "file /etc/ferry.yaml:3" or "default". */
    @Override
    public String toString() {
        return where() == null ? source.label() : source.label() + " " + where();
    }
}
