package io.github.lakebase.benchmarks.report;

/**
 * The time to the first test of a fresh JVM running {@code @LakebaseBranch} tests on a persistent data
 * directory: cold (an empty directory) or warm (the directory a cold start left, migrations unchanged).
 *
 * <pre>{@code
 * boolean fast = row.firstTestMillis() <= 1000;
 * }</pre>
 *
 * @param filesystem the filesystem's label
 * @param kind {@code COLD_START} or {@code WARM_START}
 * @param sizeMb megabytes of fill data the migrations generate
 * @param firstTestMillis from the test class's start (the extension's first callback) to the first test's body
 * @param jvmToFirstTestMillis from the JVM's start to the first test's body
 * @param note why the row has no numbers, or {@code ""}
 */
public record StartupRow(
        String filesystem, String kind, int sizeMb, double firstTestMillis, double jvmToFirstTestMillis, String note) {}
