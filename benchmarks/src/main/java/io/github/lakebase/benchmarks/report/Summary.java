package io.github.lakebase.benchmarks.report;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.harness.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run found, summarised: one {@link Row} per measured cell (the warm-up test of each left
 * out), with its ratio to the raw limit, and one {@link StartupRow} per startup cell.
 *
 * <pre>{@code
 * Summary summary = Summary.of(results, filesystems, machine, options.command());
 * }</pre>
 *
 * @param command the command that produced it
 * @param machine the machine
 * @param filesystems the filesystems, measured or skipped
 * @param rows the per-test results
 * @param startup the startup results
 * @param seconds how long the run took
 */
public record Summary(
        String command,
        Machine machine,
        List<Filesystem> filesystems,
        List<Row> rows,
        List<StartupRow> startup,
        double seconds) {

    /**
     * Summarises a run.
     *
     * @param results every cell's result
     * @param filesystems the filesystems
     * @param machine the machine
     * @param command the command that produced the results
     * @param seconds how long the run took
     * @return the summary
     */
    public static Summary of(
            List<CellResult> results, List<Filesystem> filesystems, Machine machine, String command, double seconds) {
        List<Row> rows = new ArrayList<>();
        List<StartupRow> startup = new ArrayList<>();
        for (CellResult r : results) {
            Cell cell = r.cell();
            if (cell.kind() == Cell.Kind.PER_TEST) {
                rows.add(row(r));
            } else {
                startup.add(new StartupRow(
                        cell.filesystem(),
                        cell.kind().name(),
                        cell.sizeMb(),
                        r.firstTestMillis(),
                        r.jvmToFirstTestMillis(),
                        note(r, r.tests())));
            }
        }
        List<Row> withRatios = rows.stream()
                .map(row -> row.withRatio(rows.stream()
                        .filter(raw -> raw.approach().equals(Approach.RAW.name())
                                && raw.filesystem().equals(row.filesystem())
                                && raw.sizeMb() == row.sizeMb())
                        .findFirst()
                        .map(raw -> row.cost().median() / raw.cost().median())
                        .orElse(Double.NaN)))
                .toList();
        return new Summary(command, machine, filesystems, withRatios, startup, seconds);
    }

    /** The name of a cell's row. */
    public static String label(Cell cell) {
        String label = cell.approach().label();
        if (cell.approach() != Approach.LAKEBASE) {
            return label;
        }
        if (cell.workMs() > 0) {
            label += ", slow tests";
        }
        return label + (cell.prefetch() > 0 ? ", lakebase.prefetch=" + cell.prefetch() : ", no prefetching");
    }

    /**
     * The row of one per-test cell, without a ratio.
     *
     * @param r the cell's result
     * @return its row
     */
    public static Row row(CellResult r) {
        Cell cell = r.cell();
        List<Sample> measured =
                r.tests().size() > 1 ? r.tests().subList(1, r.tests().size()) : List.of();
        List<Sample> ok = measured.stream().filter(Sample::succeeded).toList();
        int failures = (int) r.tests().stream().filter(s -> !s.succeeded()).count();
        return new Row(
                cell.filesystem(),
                cell.approach().name(),
                label(cell),
                cell.sizeMb(),
                r.databaseBytes() / 1024.0 / 1024.0,
                cell.prefetch(),
                cell.workMs(),
                Stats.of(ok.stream().mapToDouble(Sample::costMillis).toArray()),
                Stats.of(ok.stream().mapToDouble(Sample::waitMillis).toArray()),
                Double.NaN,
                failures,
                note(r, measured));
    }

    private static String note(CellResult r, List<Sample> measured) {
        if (r.error() != null) {
            return "failed: " + r.error();
        }
        if (r.unavailable() != null) {
            return "skipped: " + r.unavailable();
        }
        return r.tests().stream()
                .filter(s -> !s.succeeded())
                .findFirst()
                .map(s -> "failed: " + s.failure())
                .orElse(measured.isEmpty() ? "no test ran" : "");
    }

    /** The PostgreSQL version the tests saw, or "unknown". */
    public static String serverVersion(List<CellResult> results) {
        return results.stream()
                .map(CellResult::serverVersion)
                .filter(v -> v != null && !v.isEmpty())
                .findFirst()
                .orElse("unknown");
    }
}
