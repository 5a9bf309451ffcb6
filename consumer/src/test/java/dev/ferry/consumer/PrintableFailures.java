package dev.ferry.consumer;

import java.util.List;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * Makes the failures of hostile tries printable. Surefire cuts its console output at a lone
 * surrogate, which would swallow jqwik's report (seed and shrunk sample included), and NFC and NFD
 * names look the same on screen; so a failure is reported with every character outside printable
 * ASCII written as a Java escape. The original failure stays attached as the cause.
 */
final class PrintableFailures implements AroundTryHook {

    /** Declared on a test class, the hook applies to every property in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult result;
        try {
            result = aTry.execute(parameters);
        } catch (Throwable failure) {
            return TryExecutionResult.falsified(printable(failure));
        }
        if (result.isFalsified() && result.throwable().isPresent()) {
            return TryExecutionResult.falsified(printable(result.throwable().get()));
        }
        return result;
    }

    private static AssertionError printable(Throwable failure) {
        return new AssertionError(failure.getClass().getName() + ": " + escape(String.valueOf(failure.getMessage())),
                failure);
    }

    /**
     * The text with control characters, non-ASCII and lone surrogates as Java unicode escapes; a long
     * text keeps its beginning and its end, where an exception says what went wrong.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                escaped.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                escaped.append(c);
            } else {
                escaped.append(String.format("\\u%04x", (int) c));
            }
        }
        if (escaped.length() <= 600) {
            return escaped.toString();
        }
        return escaped.substring(0, 300) + " ... (" + text.length() + " chars) ... "
                + escaped.substring(escaped.length() - 300);
    }
}
