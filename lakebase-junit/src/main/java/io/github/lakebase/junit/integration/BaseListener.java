package io.github.lakebase.junit.integration;

/**
 * Told each time a test run builds a migrated base, or reuses one kept by an earlier run, and each time it keeps
 * a failed test's branch: what a run report of the migrations is made from (the library's own writes {@code
 * target/lakebase/report.md}). Found with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.github.lakebase.junit.integration.BaseListener}.
 *
 * <pre>{@code
 * public final class MigrationReport implements BaseListener {
 *     public void baseReady(BaseEvent event) {
 *         rows.add(event.parent() + " + " + event.migrations() + (event.reused() ? " (reused)" : ""));
 *     }
 * }
 * }</pre>
 *
 * <p>Called once per base for each configuration a JVM's tests run with: on the thread that needed the base, possibly
 * concurrently for two bases, when the event needs no review of the base (the report is off) or an earlier run kept
 * its review; else once the review is read, so that no test waits for it: when a JUnit run's tests are done (the
 * end of any run of the JVM), on the thread that ends it; at once for a base that fails its idempotency check, or
 * that a tool outside tests (the command line) asked for; when the library closes (the JVM's exit, with the time
 * that gives it) for a base built since; and, with a problem instead of the review, when its server is found gone.
 * {@link #branchKept} is called on the thread that ends the test's scope. A listener that throws is logged and
 * otherwise ignored: a report never fails a test.
 */
public interface BaseListener {

    /**
     * A base is ready for test branches to be forked from it (and, when its review is read later, has been since).
     *
     * @param event what the base is and how it came to be
     */
    void baseReady(BaseEvent event);

    /**
     * A test's branch was kept instead of dropped, as its cleanup mode says; called as the test's scope ends.
     *
     * @param branch the kept branch and how to reach it
     */
    default void branchKept(KeptBranch branch) {}
}
