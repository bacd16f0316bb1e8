package io.github.lakebase.benchmarks.report;

/**
 * One line of the results: an approach (with its prefetching and test length) on one filesystem at one
 * parent size, summarised.
 *
 * <pre>{@code
 * double ms = row.cost().median();
 * }</pre>
 *
 * @param filesystem the filesystem's label
 * @param approach the approach's key ({@code RAW}, {@code LAKEBASE}...)
 * @param label how the row is named in reports
 * @param sizeMb megabytes of fill data in the parent
 * @param databaseMb the size of a test's database as measured, in MB
 * @param prefetch {@code lakebase.prefetch}
 * @param workMs how long each test's body took beyond its database work
 * @param cost the cost per test (ms), warm-up test left out
 * @param waiting the wait of each test for its database (ms), warm-up test left out
 * @param ratioToRaw the median cost over the raw limit's, on the same filesystem and size
 * @param failures how many tests failed
 * @param note why the row has no numbers, or {@code ""}
 */
public record Row(
        String filesystem,
        String approach,
        String label,
        int sizeMb,
        double databaseMb,
        int prefetch,
        long workMs,
        Stats cost,
        Stats waiting,
        double ratioToRaw,
        int failures,
        String note) {

    /** Whether the row measures slow tests (whose bodies take longer than a fork). */
    public boolean slowTests() {
        return workMs > 0;
    }

    /** A copy with {@code ratio} to the raw limit. */
    public Row withRatio(double ratio) {
        return new Row(
                filesystem,
                approach,
                label,
                sizeMb,
                databaseMb,
                prefetch,
                workMs,
                cost,
                waiting,
                ratio,
                failures,
                note);
    }
}
