package dev.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Switches between the quiet default of {@code logback.xml} and verbose output. */
final class Logging {

    private Logging() {
    }

    /** Ferry's own loggers at DEBUG; ActiveMQ stays at WARN, its DEBUG drowns everything else. */
    static void verbose() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger("dev.ferry").setLevel(Level.DEBUG);
        }
    }
}
