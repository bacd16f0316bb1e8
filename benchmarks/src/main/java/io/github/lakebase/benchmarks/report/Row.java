package io.github.lakebase.benchmarks.report;

/**
 * One line of the results: an approach (with its prefetching, test length and parallelism) on one
 * filesystem at one parent size, summarised over every round it ran in.
 *
 * <pre>{@code
 * double ms = row.cost().median();
 * }</pre>
 *
 * @param kind what the cell measured: {@code PER_TEST} or {@code THROUGHPUT}
 * @param filesystem the filesystem's label
 * @param approach the approach's key ({@code RAW}, {@code LAKEBASE}, {@code SPRING_H2}...)
 * @param label how the row is named in reports
 * @param sizeMb megabytes of fill data in the parent
 * @param databaseMb the size of a test's database as measured, in MB
 * @param prefetch {@code lakebase.prefetch}
 * @param workMs how long each test's body took beyond its database work
 * @param threads JUnit's parallelism
 * @param forks JVMs at once
 * @param cost the cost per test (ms), warm-ups left out, all rounds together
 * @param waiting the wait of each test for its database (ms), warm-ups left out, all rounds together
 * @param after the time each test took after its body (ms): its clean-up
 * @param later the cost per test (ms) of the later half of each round's tests, warm-ups left out: once the JVM has
 *     compiled most of what the tests run, which on a machine of few cores competes with the tests until then
 * @param testsPerSecond for a throughput row: tests that passed per second of the measured span (the median
 *     over the rounds); otherwise NaN
 * @param spread the medians of the cost per test of each round, or {@code null} for a row of one round
 * @param ratioToRaw the median cost over the raw limit's, on the same filesystem and size
 * @param failures how many tests failed
 * @param note why the row has no numbers, or {@code ""}
 */
public record Row(
        String kind,
        String filesystem,
        String approach,
        String label,
        int sizeMb,
        double databaseMb,
        int prefetch,
        long workMs,
        int threads,
        int forks,
        Stats cost,
        Stats waiting,
        Stats after,
        Stats later,
        double testsPerSecond,
        Spread spread,
        double ratioToRaw,
        int failures,
        String note) {

    /** Whether the row measures slow tests (whose bodies take longer than a fork). */
    public boolean slowTests() {
        return workMs > 0;
    }

    /** Whether the row is one of the Spring cell's. */
    public boolean spring() {
        return approach.startsWith("SPRING_");
    }

    /** Whether the row is one of the plain cost per test, by filesystem and size (not Spring, not parallel). */
    public boolean costPerTest() {
        return kind.equals("PER_TEST") && !spring();
    }

    /** A copy with {@code ratio} to the raw limit. */
    public Row withRatio(double ratio) {
        return new Row(
                kind,
                filesystem,
                approach,
                label,
                sizeMb,
                databaseMb,
                prefetch,
                workMs,
                threads,
                forks,
                cost,
                waiting,
                after,
                later,
                testsPerSecond,
                spread,
                ratio,
                failures,
                note);
    }
}
