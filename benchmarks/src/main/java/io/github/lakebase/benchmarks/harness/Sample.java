package io.github.lakebase.benchmarks.harness;

/**
 * One measured test: when JUnit started and finished it, when its body started and ended, and how long the
 * body stood for a slow test. All times are {@link System#nanoTime()} values of the JVM that ran it.
 *
 * <pre>{@code
 * double ms = sample.costMillis();   // what the approach added to the test
 * }</pre>
 *
 * @param started when JUnit reported the test started (before any extension callback)
 * @param finished when JUnit reported it finished (after every cleanup)
 * @param bodyStarted when the test's body began, or 0 when it never ran
 * @param bodyEnded when the test's body ended, or 0 when it never did
 * @param work how long the body slept to stand for a slow test
 * @param failure why it failed, or {@code null}
 */
public record Sample(long started, long finished, long bodyStarted, long bodyEnded, long work, String failure) {

    /** Wall time of the test without the time it slept on purpose: the approach's cost per test. */
    public double costMillis() {
        return (finished - started - work) / 1e6;
    }

    /** How long the test waited, from its start, until its body could run: the fork, as the test sees it. */
    public double waitMillis() {
        return bodyStarted == 0 ? Double.NaN : (bodyStarted - started) / 1e6;
    }

    /** How long the test took after its body: the clean-up (dropping a branch, truncating, closing a context). */
    public double afterMillis() {
        return bodyEnded == 0 ? Double.NaN : (finished - bodyEnded) / 1e6;
    }

    /** Whether the test succeeded. */
    public boolean succeeded() {
        return failure == null;
    }
}
