package dev.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.LoggingEventThreadNameJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets up the log on stderr for a command: how much (--quiet, --verbose) and in which format
 * (--log-format). {@code logback.xml} holds the text format and the levels when nothing is said.
 */
final class Logging {

    /** How much a command logs. */
    enum Verbosity {
        /** Warnings and errors. */
        QUIET(Level.WARN),
        /** Also what happens: each change published or applied, connections, start and stop. */
        NORMAL(Level.INFO),
        /** Also details, for finding out why. */
        VERBOSE(Level.DEBUG);

        private final Level level;

        Verbosity(Level level) {
            this.level = level;
        }
    }

    private static final String APPENDER = "STDERR";

    // The encoder of logback.xml, kept to go back to text when a command in the same JVM (a test) asked for JSON.
    private static Encoder<ILoggingEvent> textEncoder;

    private Logging() {
    }

    /** Ferry's loggers at {@code verbosity}, the appender of logback.xml writing {@code format}. */
    static synchronized void configure(LogFormat format, Verbosity verbosity) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        // ActiveMQ stays at WARN (logback.xml) whatever the verbosity: its DEBUG drowns everything else.
        context.getLogger("dev.ferry").setLevel(verbosity.level);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof OutputStreamAppender<ILoggingEvent> appender)) {
            return;
        }
        if (textEncoder == null) {
            textEncoder = appender.getEncoder();
        }
        Encoder<ILoggingEvent> wanted = format == LogFormat.json ? jsonEncoder(context) : textEncoder;
        if (appender.getEncoder() != wanted) {
            appender.stop();
            appender.setEncoder(wanted);
            wanted.start();
            appender.start();
        }
    }

    /**
     * One JSON object per line, in this order: {@code time} (UTC, ISO 8601, milliseconds),
     * {@code level}, {@code logger}, {@code thread}, {@code message}, the event's key-value pairs
     * (for a change: {@code event}, {@code path}, ...) and {@code stack_trace} when there is one.
     */
    static Encoder<ILoggingEvent> jsonEncoder(Context context) {
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        LoggingEventJsonProviders fields = new LoggingEventJsonProviders();
        encoder.setProviders(fields);
        LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
        time.setFieldName("time");
        time.setPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");
        time.setTimeZone("UTC");
        fields.addTimestamp(time);
        fields.addLogLevel(new LogLevelJsonProvider());
        LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
        logger.setFieldName("logger");
        fields.addLoggerName(logger);
        LoggingEventThreadNameJsonProvider thread = new LoggingEventThreadNameJsonProvider();
        thread.setFieldName("thread");
        fields.addThreadName(thread);
        fields.addMessage(new MessageJsonProvider());
        fields.addKeyValuePairs(new KeyValuePairsJsonProvider());
        fields.addStackTrace(new StackTraceJsonProvider());
        return encoder;
    }
}
