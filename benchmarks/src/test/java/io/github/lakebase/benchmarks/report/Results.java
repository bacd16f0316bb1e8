package io.github.lakebase.benchmarks.report;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.harness.Sample;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Results as a cell's JVM would write them, made up for the tests of the report. */
final class Results {

    private Results() {}

    static Cell cell(Approach approach, int sizeMb) {
        return Cell.perTest(approach, "ext4", "/tmp/cell", sizeMb, 20, 5, 45);
    }

    /** A result whose first test is a warm-up; every test costs what {@code costs} says and waits 1 ms. */
    static CellResult of(Cell cell, double... costs) {
        return measuredBetween(cell, 0, 0, costs);
    }

    /** {@link #of}, for a throughput cell whose measured tests ran from {@code fromMillis} to {@code toMillis}. */
    static CellResult measuredBetween(Cell cell, long fromMillis, long toMillis, double... costs) {
        List<Sample> tests = new ArrayList<>();
        long t = 1_000_000_000L;
        for (double cost : costs) {
            long nanos = (long) (cost * 1e6);
            tests.add(new Sample(t, t + nanos, t + 1_000_000, t + 2_000_000, 0, null));
            t += nanos + 1;
        }
        return new CellResult(
                cell, tests, 1, List.of(), 0, "18.6", 100, 900, fromMillis, toMillis, Map.of(), null, null, 10);
    }

    /** A cell of one passing test and one failing test per failure given. */
    static CellResult failing(Cell cell, String... failures) {
        List<Sample> tests = new ArrayList<>();
        tests.add(new Sample(0, 5_000_000, 1_000_000, 2_000_000, 0, null));
        for (String failure : failures) {
            tests.add(new Sample(0, 5_000_000, 1_000_000, 2_000_000, 0, failure));
        }
        return new CellResult(cell, tests, 1, List.of(), 0, "", 1, 1, 0, 1000, Map.of(), null, null, 1);
    }

    static CellResult startup(Cell cell, double jvmToFirstTest) {
        return startup(cell, jvmToFirstTest, Map.of());
    }

    /** {@link #startup(Cell, double)}, whose JVM also ran the fill migration in {@code migrationMillis}. */
    static CellResult startup(Cell cell, double jvmToFirstTest, double migrationMillis) {
        return startup(cell, jvmToFirstTest, Map.of(V1__Fill.MILLIS_VALUE, migrationMillis));
    }

    private static CellResult startup(Cell cell, double jvmToFirstTest, Map<String, Double> values) {
        return new CellResult(
                cell,
                List.of(new Sample(0, 1, 1, 1, 0, null), new Sample(0, 1, 1, 1, 0, null)),
                1,
                List.of(),
                0,
                "",
                jvmToFirstTest / 2,
                jvmToFirstTest,
                0,
                0,
                values,
                null,
                null,
                1);
    }

    static CellResult memory(Cell cell, Map<String, Double> values) {
        return new CellResult(
                cell, List.of(new Sample(0, 1, 1, 1, 0, null)), 0, List.of(), 0, "", 1, 1, 0, 0, values, null, null, 1);
    }

    static Summary summary(List<CellResult> results) {
        return Summary.of(
                results,
                List.of(new Filesystem("ext4", "/tmp", "ext4", false, false, null)),
                new Machine(2, "cpu", 1, "os", "kernel", "jdk", "18.6"),
                "benchmarks/run.sh",
                60);
    }
}
