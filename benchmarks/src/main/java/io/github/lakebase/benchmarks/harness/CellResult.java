package io.github.lakebase.benchmarks.harness;

import java.util.List;
import java.util.Map;

/**
 * What a cell measured, written by the JVM that ran it and read by the benchmark.
 *
 * <pre>{@code
 * CellResult result = mapper.readValue(file, CellResult.class);
 * }</pre>
 *
 * @param cell the cell
 * @param tests every test, the warm-up tests first
 * @param warmUps how many of {@code tests} are warm-ups, left out of the statistics (one per JVM)
 * @param skipped why tests were skipped
 * @param databaseBytes the size of a test's database, as the first test saw it
 * @param serverVersion the PostgreSQL version the tests ran on
 * @param firstTestMillis from the test class's start (the extension's first callback) to the first test's
 *     body
 * @param jvmToFirstTestMillis from the JVM's start to the first test's body
 * @param measuredFromMillis when (epoch milliseconds) the measured tests of a throughput cell began, or 0
 * @param measuredToMillis when (epoch milliseconds) they had all ended, or 0
 * @param values what the suite measured besides times (a memory cell's server memory and heap), by name
 * @param unavailable why the approach could not run here, or {@code null}
 * @param error why the cell's JVM ended without a result, or {@code null}
 * @param seconds how long the cell took
 */
public record CellResult(
        Cell cell,
        List<Sample> tests,
        int warmUps,
        List<String> skipped,
        long databaseBytes,
        String serverVersion,
        double firstTestMillis,
        double jvmToFirstTestMillis,
        long measuredFromMillis,
        long measuredToMillis,
        Map<String, Double> values,
        String unavailable,
        String error,
        double seconds) {

    /** The result of a cell whose JVM ended without one, saying why. */
    public static CellResult failed(Cell cell, String why) {
        return new CellResult(
                cell, List.of(), 0, List.of(), 0, "", Double.NaN, Double.NaN, 0, 0, Map.of(), null, why, Double.NaN);
    }

    /** The tests that count: all but the warm-ups. */
    public List<Sample> measured() {
        return tests.size() > warmUps ? tests.subList(warmUps, tests.size()) : List.of();
    }
}
