package io.github.lakebase.benchmarks.harness;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps a slow measurement within its time: once a cell has run its minimum number of tests and its
 * time is up, the remaining tests are skipped (before anything is set up for them), so that an
 * approach costing seconds per test at 1 GB does not hold up the whole run.
 *
 * <pre>{@code
 * @ExtendWith(CellBudget.class)
 * class SomeSuite {
 *     @RepeatedTest(Workload.REPETITIONS) void test(...) { ... }
 * }
 * }</pre>
 */
public final class CellBudget implements ExecutionCondition {

    private static final AtomicInteger STARTED = new AtomicInteger();
    private static volatile int minimumTests = Integer.MAX_VALUE;
    private static volatile long deadline = Long.MAX_VALUE;

    /**
     * Starts the budget of this JVM's cell.
     *
     * @param minimum tests that always run, the warm-up included
     * @param seconds the time after which no further test starts
     */
    static void start(int minimum, long seconds) {
        STARTED.set(0);
        minimumTests = minimum;
        deadline = System.nanoTime() + seconds * 1_000_000_000L;
    }

    /** Moves the end of the cell's time {@code nanos} later: time spent on neither the warm-up nor a test. */
    static void extend(long nanos) {
        if (deadline != Long.MAX_VALUE) { // a budget not started has no end to move
            deadline += nanos;
        }
    }

    /** Whether the cell's time is up. */
    static boolean spent() {
        return System.nanoTime() > deadline;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        // Only the invocations of a repeated test count; the repeated test itself is a container.
        boolean invocation = context.getTestMethod().isPresent()
                && context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
        if (!invocation) {
            return ConditionEvaluationResult.enabled("a container");
        }
        int n = STARTED.incrementAndGet();
        if (n > minimumTests && spent()) {
            return ConditionEvaluationResult.disabled(
                    "the time of this benchmark cell is spent after " + (n - 1) + " tests");
        }
        return ConditionEvaluationResult.enabled("within the time of this benchmark cell");
    }
}
