package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The log's two formats and three verbosities. */
class LoggingTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void backToTheDefault() {
        Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);
    }

    @Test
    void theJsonLogIsOneObjectPerLineWithTheEventsFields() throws Exception {
        LoggingEvent event = event(Level.INFO, "applied put \"a\\nb\" (3 bytes)");
        event.setKeyValuePairs(List.of(new KeyValuePair("event", "put"), new KeyValuePair("path", "a\nb"),
                new KeyValuePair("size", 3L)));

        String encoded = encode(Logging.jsonEncoder(context), event);

        assertThat(encoded).endsWith("\n").hasLineCount(1);
        JsonNode line = JsonMapper.builder().build().readTree(encoded);
        assertThat(line.fieldNames()).toIterable()
                .containsExactly("time", "level", "logger", "thread", "message", "event", "path", "size");
        assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("dev.ferry.consumer.ChangeApplier");
        assertThat(line.get("path").asText()).isEqualTo("a\nb");
        assertThat(line.get("size").asLong()).isEqualTo(3);
    }

    @Test
    void aFailureInTheJsonLogCarriesItsStackTrace() throws Exception {
        LoggingEvent event = event(Level.ERROR, "cannot reach broker");
        event.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(new java.io.IOException("refused")));

        JsonNode line = JsonMapper.builder().build().readTree(encode(Logging.jsonEncoder(context), event));

        assertThat(line.get("stack_trace").asText()).startsWith("java.io.IOException: refused");
    }

    @Test
    void aTextMessageStaysOnOneLineWhateverItHolds() {
        Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);

        String encoded = encode(stderrAppender().getEncoder(), event(Level.WARN, "evil\nname\r\n forged"));

        assertThat(encoded).hasLineCount(1).endsWith("evil\\nname\\r\\n forged" + System.lineSeparator());
    }

    @Test
    void jsonReplacesTheTextEncoderAndTextComesBack() {
        Encoder<ILoggingEvent> text = stderrAppender().getEncoder();

        Logging.configure(LogFormat.json, Logging.Verbosity.NORMAL);
        assertThat(encode(stderrAppender().getEncoder(), event(Level.INFO, "hello"))).startsWith("{\"time\":");

        Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);
        assertThat(stderrAppender().getEncoder()).isSameAs(text);
    }

    @Test
    void jgitsPatternWarningsAreOneLineWithoutTheirStackTraceInBothFormats() throws Exception {
        LoggingEvent warning = event(Level.WARN, "cannot use pattern [a in .ferryignore line 3");
        warning.setLoggerName("org.eclipse.jgit.ignore.FastIgnoreRule");
        warning.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("bad pattern")));

        Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);
        assertThat(encode(jgitAppender().getEncoder(), warning)).hasLineCount(1).contains("cannot use pattern");

        Logging.configure(LogFormat.json, Logging.Verbosity.NORMAL);
        String json = encode(jgitAppender().getEncoder(), warning);
        assertThat(json).hasLineCount(1);
        JsonNode line = JsonMapper.builder().build().readTree(json);
        assertThat(line.get("message").asText()).contains("cannot use pattern");
        assertThat(line.has("stack_trace")).isFalse();
    }

    @Test
    void quietKeepsOnlyWarningsAndErrorsVerboseAddsDetails() {
        org.slf4j.Logger ferry = LoggerFactory.getLogger("dev.ferry.consumer.ChangeApplier");
        org.slf4j.Logger activeMq = LoggerFactory.getLogger("org.apache.activemq.broker.BrokerService");

        Logging.configure(LogFormat.text, Logging.Verbosity.QUIET);
        assertThat(ferry.isInfoEnabled()).isFalse();
        assertThat(ferry.isWarnEnabled()).isTrue();

        Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);
        assertThat(ferry.isInfoEnabled()).isTrue();
        assertThat(ferry.isDebugEnabled()).isFalse();

        Logging.configure(LogFormat.text, Logging.Verbosity.VERBOSE);
        assertThat(ferry.isDebugEnabled()).isTrue();
        assertThat(activeMq.isInfoEnabled()).as("ActiveMQ stays at WARN").isFalse();
    }

    private LoggingEvent event(Level level, String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerContext(context);
        event.setLoggerName("dev.ferry.consumer.ChangeApplier");
        event.setLevel(level);
        event.setMessage(message);
        event.setThreadName("ferry-consumer");
        event.setTimeStamp(System.currentTimeMillis());
        return event;
    }

    @SuppressWarnings("unchecked")
    private OutputStreamAppender<ILoggingEvent> stderrAppender() {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        return (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
    }

    @SuppressWarnings("unchecked")
    private OutputStreamAppender<ILoggingEvent> jgitAppender() {
        Logger jgit = context.getLogger("org.eclipse.jgit");
        assertThat(jgit.isAdditive()).as("JGit's warnings go to their own appender only").isFalse();
        return (OutputStreamAppender<ILoggingEvent>) jgit.getAppender("STDERR_MESSAGE_ONLY");
    }

    private static String encode(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
        if (!encoder.isStarted()) {
            encoder.start();
        }
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
