package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through the JUnit Platform, as a user's build would. */
final class SpringFixtures {

    /** Tests of classes run in parallel, each class on a thread of its own. */
    static final Map<String, String> PARALLEL_CLASSES = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "same_thread",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "3");

    private SpringFixtures() {}

    static EngineExecutionResults run(Class<?>... fixtures) {
        return run(Map.of(), fixtures);
    }

    static EngineExecutionResults run(Map<String, String> configuration, Class<?>... fixtures) {
        ClassSelector[] selectors =
                Arrays.stream(fixtures).map(c -> selectClass(c)).toArray(ClassSelector[]::new);
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectors)
                .execute();
    }

    /**
     * Runs fixtures with every branch dropped after its test ({@code lakebase.restore-in-place=false}): for
     * tests that two tests get two databases, which a branch restored in place for a later test, under its
     * name, would hide.
     */
    static EngineExecutionResults runDropping(Class<?>... fixtures) {
        return run(Map.of("lakebase.restore-in-place", "false"), fixtures);
    }

    /** Asserts that exactly {@code tests} tests ran and all succeeded; otherwise fails with the failures. */
    static EngineExecutionResults assertAllSucceeded(EngineExecutionResults results, int tests) {
        assertThat(failures(results)).as("failures").isEmpty();
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
        return results;
    }

    /** Every failure of a run, with its stack trace. */
    static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                        + e.getRequiredPayload(TestExecutionResult.class)
                                .getThrowable()
                                .map(SpringFixtures::stackTrace)
                                .orElse("?"))
                .toList();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
