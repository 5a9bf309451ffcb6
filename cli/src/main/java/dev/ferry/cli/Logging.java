package dev.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
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
import java.util.HashMap;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The log on stderr: its defaults ({@link #install}, which {@link LogSetup} runs when logback
 * starts), then for a command how much (--quiet, --verbose) and in which format (--log-format).
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
    private static final String JGIT = "org.eclipse.jgit";
    private static final String JGIT_APPENDER = "STDERR_MESSAGE_ONLY";
    /** A message is one line even when what it names holds a line break: no name can forge a line. */
    private static final String TEXT = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %replace(%replace(%msg){'\\n', '\\\\n'}){'\\r', '\\\\r'}%n";
    /**
     * JGit reports a pattern it cannot use (in .ferryignore or an exclude) with a stack trace: the
     * message, which names the file, line and pattern, says it all.
     */
    private static final String JGIT_TEXT = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n%nopex";

    // Each appender's first encoder, to go back to when a command in the same JVM (a test) asked for JSON.
    private static final Map<String, Encoder<ILoggingEvent>> textEncoders = new HashMap<>();

    private Logging() {
    }

    /**
     * The defaults, before a command says anything: Ferry's own loggers at INFO, everything else
     * (ActiveMQ above all) only when something is wrong, all as text on stderr, so stdout carries
     * only what a command reports (a summary, a URL).
     */
    static synchronized void install(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr(context, APPENDER, TEXT));
        Logger jgit = context.getLogger(JGIT);
        jgit.setLevel(Level.WARN);
        jgit.setAdditive(false);
        jgit.addAppender(stderr(context, JGIT_APPENDER, JGIT_TEXT));
        context.getLogger("dev.ferry").setLevel(Verbosity.NORMAL.level);
    }

    private static ConsoleAppender<ILoggingEvent> stderr(LoggerContext context, String name, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        textEncoders.put(name, encoder);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    /** Ferry's loggers at {@code verbosity}, the appenders of {@link #install} writing {@code format}. */
    static synchronized void configure(LogFormat format, Verbosity verbosity) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        // ActiveMQ stays at WARN whatever the verbosity: its DEBUG drowns everything else.
        context.getLogger("dev.ferry").setLevel(verbosity.level);
        boolean json = format == LogFormat.json;
        use(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), APPENDER, json ? jsonEncoder(context) : null);
        use(context.getLogger(JGIT), JGIT_APPENDER, json ? jsonEncoder(context, false) : null);
    }

    /**
     * Has the appender {@code name} of {@code logger} write with {@code encoder}, or with the one
     * it had first when null (install's text, or that of a test's or the user's own configuration).
     */
    private static void use(Logger logger, String name, Encoder<ILoggingEvent> encoder) {
        if (!(logger.getAppender(name) instanceof OutputStreamAppender<ILoggingEvent> appender)) {
            return;
        }
        textEncoders.putIfAbsent(name, appender.getEncoder());
        Encoder<ILoggingEvent> wanted = encoder != null ? encoder : textEncoders.get(name);
        if (wanted != null && appender.getEncoder() != wanted) {
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
        return jsonEncoder(context, true);
    }

    private static Encoder<ILoggingEvent> jsonEncoder(Context context, boolean stackTrace) {
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
        if (stackTrace) {
            fields.addStackTrace(new StackTraceJsonProvider());
        }
        return encoder;
    }
}
