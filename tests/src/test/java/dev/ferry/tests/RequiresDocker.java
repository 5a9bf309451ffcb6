package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * For test classes that need a Docker engine: they run wherever one answers, and are skipped, with
 * the reason, where none does — unless {@code FERRY_REQUIRE_DOCKER=1}, which CI sets once it has
 * an engine running ({@code docker/ci-setup.sh}): then an engine that does not answer is a failure,
 * so the Docker tests can never pass by not running.
 *
 * <pre>{@code @ExtendWith(RequiresDocker.class)}</pre>
 */
final class RequiresDocker implements ExecutionCondition, BeforeAllCallback {

    static final String REQUIRE = "FERRY_REQUIRE_DOCKER";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (engineAnswers()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRE + "=1: no Docker engine answers, which fails the tests");
        }
        return ConditionEvaluationResult.disabled("no Docker engine answers (Testcontainers found none; see its log), "
                + "so the Docker tests are skipped; set " + REQUIRE + "=1 to make that a failure");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!engineAnswers()) {
            fail("%s=1, yet no Docker engine answers: Testcontainers found none (see its log above; "
                    + "DOCKER_HOST=%s). docker/ci-setup.sh starts one.", REQUIRE, System.getenv("DOCKER_HOST"));
        }
    }

    /** Whether the Docker tests must run: a missing engine or tool is then a failure, not a skip. */
    static boolean required() {
        return "1".equals(System.getenv(REQUIRE));
    }

    private static boolean engineAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            // Testcontainers found an engine but failed to set up its client; that is no engine either.
            System.err.println("Testcontainers cannot use the Docker engine: " + e);
            return false;
        }
    }
}
