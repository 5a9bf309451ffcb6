package dev.ferry.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Configures logback for every Ferry command, in code ({@link Logging#install}): logback finds it
 * through META-INF/services before it looks for a logback.xml, whose parsing took about a tenth of
 * a second of each start. A file named by {@code -Dlogback.configurationFile}, or a logback.xml or
 * logback-test.xml on the class path (Ferry's jar has neither: the user's or the tests') still wins.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader classes = LogSetup.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null
                || classes.getResource("logback-test.xml") != null || classes.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logging.install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
