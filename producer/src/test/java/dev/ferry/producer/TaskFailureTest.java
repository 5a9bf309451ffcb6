package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A failure on another thread reaches the waiting thread as itself, never as an ExecutionException. */
class TaskFailureTest {

    @Test
    void theExpectedCheckedAndAnyUncheckedFailureAreThrownAsTheyWere() {
        IOException io = new IOException("cannot list d");
        IllegalArgumentException runtime = new IllegalArgumentException("bad");
        AssertionError error = new AssertionError("broken");

        assertThatThrownBy(() -> TaskFailure.rethrow(new ExecutionException(io), IOException.class)).isSameAs(io);
        assertThatThrownBy(() -> TaskFailure.rethrow(new ExecutionException(runtime), IOException.class)).isSameAs(runtime);
        assertThatThrownBy(() -> TaskFailure.rethrow(new ExecutionException(error), IOException.class)).isSameAs(error);
    }

    @Test
    void anotherCheckedFailureComesBackWrappedWithItsMessage() throws Exception {
        TimeoutException other = new TimeoutException("too slow");

        IllegalStateException wrapped = TaskFailure.rethrow(new ExecutionException(other), IOException.class);

        assertThat(wrapped).hasCause(other).hasMessageContaining("too slow");
        assertThat(TaskFailure.rethrow((Throwable) other, IOException.class)).hasCause(other);
    }
}
