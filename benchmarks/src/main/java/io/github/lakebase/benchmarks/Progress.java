package io.github.lakebase.benchmarks;

import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.report.MemoryRow;
import io.github.lakebase.benchmarks.report.Row;
import io.github.lakebase.benchmarks.report.Summary;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the benchmark prints of each cell: what it runs as it starts, and as it ends its numbers in one line, and
 * why it has none.
 *
 * <pre>{@code
 * System.out.println(Progress.line(result));
 * }</pre>
 */
final class Progress {

    private Progress() {}

    /** The start of the cell's line, printed as it starts: its filesystem, size and what it runs. */
    static String what(Cell cell) {
        return String.format(Locale.ROOT, "%-5s %5s  %-74s ", cell.filesystem(), size(cell), description(cell));
    }

    static String line(CellResult result) {
        Cell cell = result.cell();
        Summary one = Summary.of(List.of(result), List.of(), null, "", 0);
        return switch (cell.kind()) {
            case PER_TEST -> {
                Row row = Summary.row(result);
                yield String.format(
                                Locale.ROOT,
                                "median %8.1f ms, p90 %8.1f ms, wait %8.1f ms (%d tests, %.0f s)",
                                row.cost().median(),
                                row.cost().p90(),
                                row.waiting().median(),
                                row.cost().count(),
                                result.seconds())
                        + note(row.note());
            }
            case THROUGHPUT -> {
                Row row = Summary.row(result);
                yield String.format(
                                Locale.ROOT,
                                "%6.1f tests/s, median %8.1f ms (%d tests, %.0f s)",
                                row.testsPerSecond(),
                                row.cost().median(),
                                row.cost().count(),
                                result.seconds())
                        + note(row.note());
            }
            case MEMORY ->
                one.memory().stream()
                                .map(m -> String.format(
                                        Locale.ROOT,
                                        "%d: server %.0f MB (%d processes), heap %.0f MB",
                                        m.branches(),
                                        m.serverPssMb(),
                                        m.serverProcesses(),
                                        m.heapMb()))
                                .collect(Collectors.joining("; "))
                        + note(one.memory().stream()
                                .map(MemoryRow::note)
                                .findFirst()
                                .orElse(""));
            case COLD_START, WARM_START, JOINED_START ->
                String.format(
                                Locale.ROOT,
                                "first test after %8.1f ms (%.0f ms after the JVM started)",
                                result.firstTestMillis(),
                                result.jvmToFirstTestMillis())
                        + note(one.startup().get(0).note());
        };
    }

    private static String note(String note) {
        return note.isEmpty() ? "" : "  " + note;
    }

    private static String size(Cell cell) {
        return cell.approach().spring() ? "" : cell.sizeMb() + " MB";
    }

    private static String description(Cell cell) {
        String round = cell.round() > 1 ? " (round " + cell.round() + ")" : "";
        return switch (cell.kind()) {
            case PER_TEST, THROUGHPUT -> (cell.approach().spring() ? "Spring: " : "") + Summary.label(cell) + round;
            case MEMORY -> "memory with " + cell.branches() + " live branches";
            case COLD_START, WARM_START, JOINED_START ->
                (cell.kind() == Cell.Kind.JOINED_START
                                ? "warm start joining a server left running"
                                : cell.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        + " ("
                        + cell.approach().label() + ", persistent data directory)";
        };
    }
}
