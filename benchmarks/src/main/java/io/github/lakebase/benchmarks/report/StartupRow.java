package io.github.lakebase.benchmarks.report;

/**
 * The time to the first test of a fresh JVM: running {@code @LakebaseBranch} tests (plain or Spring) on a
 * persistent data directory, cold (an empty directory) or warm (the directory a cold start left,
 * migrations unchanged); or, for reference, the first test of a cell that needs no server (Spring on
 * in-memory H2). A run measures each start once per round; the row holds the median and the range of those
 * samples, since one JVM's start on a small machine moves by a second from one to the next.
 *
 * <pre>{@code
 * boolean fast = row.firstTestMillis() <= 1000;          // the median of the samples
 * double spread = row.jvmToFirstTest().max() - row.jvmToFirstTest().min();
 * }</pre>
 *
 * @param filesystem the filesystem's label
 * @param approach the approach's key ({@code LAKEBASE}, {@code SPRING_LAKEBASE}, {@code SPRING_H2})
 * @param label how reports name the approach
 * @param kind {@code COLD_START}, {@code WARM_START}, {@code JOINED_START} or {@code REFERENCE}
 * @param sizeMb megabytes of fill data the migrations generate
 * @param firstTest in ms, from the test class's start (the extension's first callback) to the first test's body:
 *     the samples' smallest, median and largest
 * @param jvmToFirstTest in ms, from the JVM's start to the first test's body: the samples' smallest, median and
 *     largest
 * @param migrationMillis of the median {@code firstTest}, how long the migration's own statements took (they fill
 *     the database to its size), as the median over the samples, or NaN where none ran in that JVM (a warm start)
 *     or it is not measured (Spring)
 * @param note why a sample has no numbers, or {@code ""}
 */
public record StartupRow(
        String filesystem,
        String approach,
        String label,
        String kind,
        int sizeMb,
        Spread firstTest,
        Spread jvmToFirstTest,
        double migrationMillis,
        String note) {

    /**
     * How many JVMs reached their first test: the samples behind the medians.
     *
     * @return the number of samples, 0 when none was measured
     */
    public int samples() {
        return Math.max(firstTest.rounds(), jvmToFirstTest.rounds());
    }

    /**
     * The median time from the extension's first callback to the first test.
     *
     * @return milliseconds, NaN when not measured
     */
    public double firstTestMillis() {
        return firstTest.median();
    }

    /**
     * The median time from the JVM's start to the first test.
     *
     * @return milliseconds, NaN when not measured
     */
    public double jvmToFirstTestMillis() {
        return jvmToFirstTest.median();
    }
}
