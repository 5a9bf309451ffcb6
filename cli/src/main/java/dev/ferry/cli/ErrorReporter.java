package dev.ferry.cli;

import jakarta.jms.JMSException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure into the one line the user sees: {@code ferry: <what> : <why>}.
 *
 * <p>The "what" is the outermost exception that says something of its own (wrappers that only
 * repeat their cause are skipped); the "why" is the innermost cause, added when the "what" does
 * not already contain it. So {@code IOException("cannot apply a/b", IOException("No space left
 * on device"))} reads "cannot apply a/b: No space left on device".
 */
final class ErrorReporter {

    /** The exit status of a runtime failure. */
    static final int FAILURE = 1;

    private ErrorReporter() {
    }

    /** Prints the line (and the stack trace when {@code verbose}) and returns the exit status. */
    static int report(Throwable failure, PrintWriter err, boolean verbose) {
        err.println("ferry: " + describe(failure));
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /**
     * The failure as one ERROR event in the log, for logs read by machines ({@code --log-format json}),
     * with the stack trace when {@code verbose}; returns the exit status.
     */
    static int log(Throwable failure, boolean verbose) {
        Logger log = LoggerFactory.getLogger(Ferry.class);
        if (verbose) {
            log.error(describe(failure), failure);
        } else {
            log.error(describe(failure));
        }
        return FAILURE;
    }

    /** The one-line description of {@code failure}, without the "ferry: " prefix. */
    static String describe(Throwable failure) {
        List<Throwable> chain = chainOf(failure);
        Throwable what = chain.stream().filter(ErrorReporter::saysSomething).findFirst().orElse(chain.get(0));
        Throwable why = chain.get(chain.size() - 1);
        String line = phrase(what);
        if (why != what) {
            String reason = phrase(why);
            if (!mentions(line, reason)) {
                line = line + ": " + reason;
            }
        }
        return line.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static boolean mentions(String line, String text) {
        return text != null && line.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    /** {@code failure} and its causes, outermost first (a JMS exception's linked one counts as its cause). */
    static List<Throwable> chainOf(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = causeOf(t)) {
            chain.add(t);
        }
        return chain;
    }

    private static Throwable causeOf(Throwable t) {
        if (t.getCause() == null && t instanceof JMSException jms) {
            return jms.getLinkedException();
        }
        return t.getCause();
    }

    /** Whether {@code t} tells more than its cause, rather than wrapping it. */
    private static boolean saysSomething(Throwable t) {
        if (t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException || t instanceof UndeclaredThrowableException) {
            return false;
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return causeOf(t) == null;
        }
        Throwable cause = causeOf(t);
        // "Could not connect. Reason: java.net.ConnectException: ..." only frames its cause, too.
        return cause == null || !(message.equals(cause.getMessage()) || message.contains(cause.toString()));
    }

    private static String phrase(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof NoSuchFileException) {
            return "no such file or directory: " + message;
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (t instanceof NotDirectoryException) {
            return "not a directory: " + message;
        }
        if (t instanceof FileAlreadyExistsException) {
            return "already exists: " + message;
        }
        if (t instanceof DirectoryNotEmptyException) {
            return "directory not empty: " + message;
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + message;
        }
        // SecurityException: the broker's "User name [x] or password is invalid." is for the user.
        if (t instanceof RuntimeException && !(t instanceof IllegalArgumentException || t instanceof SecurityException
                || t instanceof IllegalStateException || t instanceof UnsupportedOperationException
                || t instanceof UncheckedIOException)) {
            // Most likely a bug: the type is the most telling part.
            return t.getClass().getSimpleName() + ": " + message;
        }
        return message;
    }
}
