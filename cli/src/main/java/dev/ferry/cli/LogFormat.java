package dev.ferry.cli;

/** The values of {@code --log-format}; lower case, as users type them and completion offers them. */
enum LogFormat {
    /** One line per event for people: time, level, logger, message. */
    text,
    /** One JSON object per line for machines: time, level, logger, message and the event's fields. */
    json
}
