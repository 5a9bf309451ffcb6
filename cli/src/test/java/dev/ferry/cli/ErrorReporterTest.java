package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

    @Test
    void aPlainFailureIsItsMessage() {
        assertThat(ErrorReporter.describe(new IllegalArgumentException("source /x is not a directory")))
                .isEqualTo("source /x is not a directory");
    }

    @Test
    void contextComesFromTheOutsideAndTheReasonFromTheInside() {
        IOException failure = new IOException("cannot apply a/b", new IOException("No space left on device"));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("cannot apply a/b: No space left on device");
    }

    @Test
    void theReasonIsNotRepeatedWhenTheContextAlreadySaysIt() {
        IOException failure = new IOException("cannot reach broker tcp://h:1: Connection refused",
                new ConnectException("Connection refused"));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("cannot reach broker tcp://h:1: Connection refused");
    }

    @Test
    void theReasonIsNotRepeatedInOtherCaseEither() {
        IOException failure = new IOException("cannot listen on tcp://h:1: address already in use",
                new java.net.BindException("Address already in use"));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("cannot listen on tcp://h:1: address already in use");
    }

    @Test
    void wrappersThatOnlyRepeatTheirCauseAreSkipped() {
        Exception failure = new ExecutionException(new RuntimeException(new UncheckedIOException(
                new NoSuchFileException("/data/x"))));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("no such file or directory: /data/x");
    }

    @Test
    void aMessageThatOnlyFramesItsCauseGivesWayToIt() {
        JMSException failure = new JMSException("Could not connect to broker URL: tcp://h:1. Reason: "
                + "java.net.ConnectException: Connection refused");
        failure.initCause(new ConnectException("Connection refused"));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("Connection refused");
    }

    @Test
    void fileSystemExceptionsSayWhatWentWrong() {
        assertThat(ErrorReporter.describe(new AccessDeniedException("/root/x")))
                .isEqualTo("permission denied: /root/x");
    }

    @Test
    void aJmsExceptionIsFollowedToItsLinkedException() {
        JMSException failure = new JMSException("Could not start the session");
        failure.setLinkedException(new IOException("broker is shutting down"));
        assertThat(ErrorReporter.describe(failure)).isEqualTo("Could not start the session: broker is shutting down");
    }

    @Test
    void aBugNamesItsType() {
        assertThat(ErrorReporter.describe(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(ErrorReporter.describe(new ArrayIndexOutOfBoundsException("Index 3 out of bounds for length 2")))
                .isEqualTo("ArrayIndexOutOfBoundsException: Index 3 out of bounds for length 2");
    }

    @Test
    void theLineIsOneLine() {
        assertThat(ErrorReporter.describe(new IOException("first\nsecond\r\n  third"))).isEqualTo("first second third");
    }

    @Test
    void aCauseCycleEnds() {
        IOException outer = new IOException("outer");
        IOException inner = new IOException("inner", outer);
        outer.initCause(inner);
        assertThat(ErrorReporter.describe(outer)).isEqualTo("outer: inner");
    }

    @Test
    void reportPrintsOneLineUnlessVerbose() {
        StringWriter quiet = new StringWriter();
        assertThat(ErrorReporter.report(new IOException("disk gone"), new PrintWriter(quiet), false)).isEqualTo(1);
        assertThat(quiet.toString()).isEqualTo("ferry: disk gone" + System.lineSeparator());

        StringWriter verbose = new StringWriter();
        ErrorReporter.report(new IOException("disk gone"), new PrintWriter(verbose), true);
        assertThat(verbose.toString()).startsWith("ferry: disk gone").contains("java.io.IOException: disk gone", "\tat ");
    }
}
