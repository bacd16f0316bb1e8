package io.github.lakebase.benchmarks.report;

/**
 * The time to the first test of a fresh JVM: running {@code @LakebaseBranch} tests (plain or Spring) on a
 * persistent data directory, cold (an empty directory) or warm (the directory a cold start left,
 * migrations unchanged); or, for reference, the first test of a cell that needs no server (Spring on
 * in-memory H2).
 *
 * <pre>{@code
 * boolean fast = row.firstTestMillis() <= 1000;
 * }</pre>
 *
 * @param filesystem the filesystem's label
 * @param approach the approach's key ({@code LAKEBASE}, {@code SPRING_LAKEBASE}, {@code SPRING_H2})
 * @param label how reports name the approach
 * @param kind {@code COLD_START}, {@code WARM_START} or {@code REFERENCE}
 * @param sizeMb megabytes of fill data the migrations generate
 * @param firstTestMillis from the test class's start (the extension's first callback) to the first test's body
 * @param jvmToFirstTestMillis from the JVM's start to the first test's body
 * @param migrationMillis of {@code firstTestMillis}, how long the migration's own statements took (it fills the
 *     database to its size), or NaN where none ran in that JVM (a warm start) or it is not measured (Spring)
 * @param note why the row has no numbers, or {@code ""}
 */
public record StartupRow(
        String filesystem,
        String approach,
        String label,
        String kind,
        int sizeMb,
        double firstTestMillis,
        double jvmToFirstTestMillis,
        double migrationMillis,
        String note) {}
