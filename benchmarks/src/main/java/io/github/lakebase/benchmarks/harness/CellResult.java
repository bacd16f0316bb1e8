package io.github.lakebase.benchmarks.harness;

import java.util.List;

/**
 * What a cell measured, written by the JVM that ran it and read by the benchmark.
 *
 * <pre>{@code
 * CellResult result = mapper.readValue(file, CellResult.class);
 * }</pre>
 *
 * @param cell the cell
 * @param tests every test, the warm-up first
 * @param skipped why tests were skipped
 * @param databaseBytes the size of a test's database, as the first test saw it
 * @param serverVersion the PostgreSQL version the tests ran on
 * @param firstTestMillis for startup cells: from the test class's start (the extension's first
 *     callback) to the first test's body
 * @param jvmToFirstTestMillis for startup cells: from the JVM's start to the first test's body
 * @param unavailable why the approach could not run here, or {@code null}
 * @param error why the cell's JVM ended without a result, or a test class failed; or {@code null}
 * @param seconds how long the cell took
 */
public record CellResult(
        Cell cell,
        List<Sample> tests,
        List<String> skipped,
        long databaseBytes,
        String serverVersion,
        double firstTestMillis,
        double jvmToFirstTestMillis,
        String unavailable,
        String error,
        double seconds) {

    /** The result of a cell whose JVM ended without one, saying why. */
    public static CellResult failed(Cell cell, String why) {
        return new CellResult(cell, List.of(), List.of(), 0, "", Double.NaN, Double.NaN, null, why, Double.NaN);
    }
}
