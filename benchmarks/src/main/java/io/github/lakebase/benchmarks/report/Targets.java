package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.MarkdownReport.COLD_START_TARGET_MS;
import static io.github.lakebase.benchmarks.report.MarkdownReport.COST_TARGET_MS;
import static io.github.lakebase.benchmarks.report.MarkdownReport.PREFETCH_WAIT_P90_TARGET_MS;
import static io.github.lakebase.benchmarks.report.MarkdownReport.PREFETCH_WAIT_TARGET_MS;
import static io.github.lakebase.benchmarks.report.MarkdownReport.SIZE_RATIO_TARGET;
import static io.github.lakebase.benchmarks.report.MarkdownReport.WARM_START_TARGET_MS;
import static io.github.lakebase.benchmarks.report.MarkdownReport.ms;

import io.github.lakebase.benchmarks.harness.Approach;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The library's performance targets, checked against a run's results: each becomes a line that says
 * what was measured and whether the target was met ("met", "missed", or "not measured" with why).
 *
 * <pre>{@code
 * Targets.evaluate(summary).forEach(System.out::println);
 * }</pre>
 */
final class Targets {

    /** How many times the raw limit the default {@code @LakebaseBranch} may cost per test in a cell. */
    static final double EVERY_CELL_RAW_RATIO = 1.1;

    private Targets() {}

    static List<String> evaluate(Summary summary) {
        List<String> lines = new ArrayList<>();
        lines.add(everyCell(summary));
        lines.add(sizeIndependence(summary));
        lines.add(prefetchWait(summary));
        lines.add(strategy(summary));
        for (Filesystem fs : summary.filesystems()) {
            if (fs.skipped() == null
                    && summary.startup().stream().anyMatch(s -> s.filesystem().equals(fs.label()))) {
                lines.add(startUp(summary, fs));
            }
        }
        lines.addAll(SpringReport.targets(summary));
        lines.addAll(ParallelReport.targets(summary));
        lines.addAll(MemoryReport.targets(summary));
        return lines;
    }

    private static String sizeIndependence(Summary summary) {
        String target = String.format(
                Locale.ROOT,
                "On a filesystem with reflinks, the median cost per test of "
                        + "`@LakebaseBranch` (no prefetching) at the largest parent is at most %.1f times that at the smallest, "
                        + "and at most %.0f ms: ",
                SIZE_RATIO_TARGET,
                COST_TARGET_MS);
        Optional<Filesystem> reflink = summary.filesystems().stream()
                .filter(f -> f.skipped() == null && f.reflink())
                .findFirst();
        if (reflink.isEmpty()) {
            return target + "**not measured** (no filesystem with reflinks was measured).";
        }
        List<Row> rows = summary.rows().stream()
                .filter(r -> r.filesystem().equals(reflink.get().label())
                        && r.costPerTest()
                        && r.approach().equals(Approach.LAKEBASE.name())
                        && r.prefetch() == 0
                        && !r.slowTests()
                        && r.cost().count() > 0)
                .sorted(java.util.Comparator.comparingInt(Row::sizeMb))
                .toList();
        if (rows.size() < 2) {
            return target + "**not measured** (fewer than two sizes).";
        }
        Row small = rows.get(0);
        Row large = rows.get(rows.size() - 1);
        double ratio = large.cost().median() / small.cost().median();
        boolean met = ratio <= SIZE_RATIO_TARGET && large.cost().median() <= COST_TARGET_MS;
        return target
                + verdict(met)
                + String.format(
                        Locale.ROOT,
                        " on %s: %s ms at %.0f MB, %s ms at %.0f MB " + "(×%.2f).",
                        reflink.get().describe(),
                        ms(small.cost().median()),
                        small.databaseMb(),
                        ms(large.cost().median()),
                        large.databaseMb(),
                        ratio);
    }

    /** The approaches the default {@code @LakebaseBranch} is held against in each cell of the cost tables. */
    private static final List<Approach> ALTERNATIVES =
            List.of(Approach.FLYWAY, Approach.ZONKY, Approach.CLUSTER_PER_CLASS);

    private static String everyCell(Summary summary) {
        String target = String.format(
                Locale.ROOT,
                "In every cell of the cost tables, the default `@LakebaseBranch` (with prefetching) costs less per test "
                        + "than every other approach measured and at most %.1f times the raw limit: ",
                EVERY_CELL_RAW_RATIO);
        List<Row> defaults = summary.rows().stream()
                .filter(r -> r.costPerTest()
                        && r.approach().equals(Approach.LAKEBASE.name())
                        && r.prefetch() > 0
                        && !r.slowTests()
                        && r.cost().count() > 0)
                .toList();
        if (defaults.isEmpty()) {
            return target + "**not measured**.";
        }
        List<String> missed = new ArrayList<>();
        for (Row lakebase : defaults) {
            double cost = lakebase.cost().median();
            String cell = lakebase.filesystem() + " " + lakebase.sizeMb() + " MB";
            Optional<Row> raw = peer(summary, lakebase, Approach.RAW);
            if (raw.isPresent()
                    && cost > EVERY_CELL_RAW_RATIO * raw.get().cost().median()) {
                missed.add(String.format(
                        Locale.ROOT,
                        "%s: %s ms, ×%.2f the raw limit",
                        cell,
                        ms(cost),
                        cost / raw.get().cost().median()));
            }
            for (Approach other : ALTERNATIVES) {
                peer(summary, lakebase, other)
                        .filter(r -> r.cost().median() < cost)
                        .ifPresent(r -> missed.add(cell + ": " + ms(cost) + " ms against "
                                + ms(r.cost().median()) + " ms of " + other.label()));
            }
        }
        return target
                + verdict(missed.isEmpty())
                + (missed.isEmpty()
                        ? " in " + defaults.size() + " cells."
                        : " (" + missed.size() + " of " + defaults.size() * (ALTERNATIVES.size() + 1)
                                + " comparisons lost): " + String.join("; ", missed) + ".");
    }

    /** The row of {@code approach} in the same cell as {@code row}: same filesystem and size, quick tests. */
    private static Optional<Row> peer(Summary summary, Row row, Approach approach) {
        return summary.rows().stream()
                .filter(r -> r.costPerTest()
                        && r.approach().equals(approach.name())
                        && r.filesystem().equals(row.filesystem())
                        && r.sizeMb() == row.sizeMb()
                        && !r.slowTests()
                        && r.cost().count() > 0)
                .findFirst();
    }

    /**
     * Whether the strategy the library forks with ({@code FILE_COPY}, with {@code file_copy_method = clone}, the
     * raw limit's) costs no more than PostgreSQL's default {@code WAL_LOG} in every cell that measured both.
     */
    private static String strategy(Summary summary) {
        String target = "On every filesystem and at every size, the strategy the library forks with (`FILE_COPY`, "
                + "with `file_copy_method = clone`) costs no more per test than PostgreSQL's default `WAL_LOG`: ";
        List<String> missed = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (Row raw : summary.rows()) {
            if (!raw.costPerTest()
                    || !raw.approach().equals(Approach.RAW.name())
                    || raw.cost().count() == 0) {
                continue;
            }
            Optional<Row> walLog = peer(summary, raw, Approach.RAW_WAL_LOG);
            if (walLog.isEmpty()) {
                continue;
            }
            double fileCopy = raw.cost().median();
            double other = walLog.get().cost().median();
            ratios.add(other / fileCopy);
            if (fileCopy > other) {
                missed.add(String.format(
                        Locale.ROOT,
                        "%s %d MB: %s ms against %s ms with WAL_LOG",
                        raw.filesystem(),
                        raw.sizeMb(),
                        ms(fileCopy),
                        ms(other)));
            }
        }
        if (ratios.isEmpty()) {
            return target + "**not measured**.";
        }
        if (!missed.isEmpty()) {
            return target + verdict(false) + " in " + missed.size() + " of " + ratios.size() + " cells: "
                    + String.join(", ", missed) + ".";
        }
        return target + verdict(true) + " in " + ratios.size() + " cells "
                + String.format(
                        Locale.ROOT,
                        "(WAL_LOG costs ×%.2f to ×%.2f as much).",
                        ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                        ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    private static String prefetchWait(Summary summary) {
        String target = String.format(
                Locale.ROOT,
                "With prefetching, a test that takes longer than a fork waits for its branch at most %.0f ms (median) "
                        + "and %.0f ms (p90), in every cell: ",
                PREFETCH_WAIT_TARGET_MS,
                PREFETCH_WAIT_P90_TARGET_MS);
        List<Row> rows = summary.rows().stream()
                .filter(r -> r.costPerTest()
                        && r.approach().equals(Approach.LAKEBASE.name())
                        && r.prefetch() > 0
                        && r.slowTests())
                .toList();
        if (rows.stream().noneMatch(r -> r.waiting().count() > 0)) {
            return target + "**not measured**.";
        }
        List<String> cells = new ArrayList<>();
        int over = 0;
        for (Row r : rows) {
            boolean ok = r.waiting().count() > 0
                    && r.waiting().median() <= PREFETCH_WAIT_TARGET_MS
                    && r.waiting().p90() <= PREFETCH_WAIT_P90_TARGET_MS;
            over += ok ? 0 : 1;
            cells.add(String.format(
                    Locale.ROOT,
                    "%s %d MB %s / %s ms%s",
                    r.filesystem(),
                    r.sizeMb(),
                    ms(r.waiting().median()),
                    ms(r.waiting().p90()),
                    ok ? "" : " (over)"));
        }
        return target
                + verdict(over == 0)
                + (over == 0 ? "" : " in " + over + " of " + rows.size() + " cells")
                + ": median / p90 "
                + String.join(", ", cells)
                + String.format(
                        Locale.ROOT, " (lakebase.prefetch=%d).", rows.get(0).prefetch());
    }

    private static String startUp(Summary summary, Filesystem fs) {
        String target = String.format(
                Locale.ROOT,
                "Start-up on %s: a cold start (empty data directory) reaches the first test within %s ms of the "
                        + "extension starting, and a warm start (persistent data directory, unchanged migrations) "
                        + "within %s ms: ",
                fs.describe(),
                ms(COLD_START_TARGET_MS),
                ms(WARM_START_TARGET_MS));
        Optional<StartupRow> cold = startUpRow(summary, fs, "COLD_START");
        Optional<StartupRow> warm = startUpRow(summary, fs, "WARM_START");
        if (cold.isEmpty() && warm.isEmpty()) {
            return target + "**not measured**.";
        }
        boolean met = cold.filter(c -> c.firstTestMillis() <= COLD_START_TARGET_MS)
                        .isPresent()
                && warm.filter(w -> w.firstTestMillis() <= WARM_START_TARGET_MS).isPresent();
        boolean missed = cold.filter(c -> c.firstTestMillis() > COLD_START_TARGET_MS)
                        .isPresent()
                || warm.filter(w -> w.firstTestMillis() > WARM_START_TARGET_MS).isPresent();
        return target
                + (met ? verdict(true) : missed ? verdict(false) : "**not fully measured**")
                + ": cold start "
                + startTime(cold, COLD_START_TARGET_MS)
                + migration(summary, fs)
                + ", warm start "
                + startTime(warm, WARM_START_TARGET_MS)
                + startUpRow(summary, fs, "JOINED_START")
                        .map(j ->
                                "; a run that joins the server an earlier run left running (`lakebase.embedded.linger`): "
                                        + StartupReport.msOfSamples(j.firstTest()))
                        .orElse("")
                + ".";
    }

    /** Of a cold start on {@code fs}, the migration's own part and what is left, where measured; else "". */
    private static String migration(Summary summary, Filesystem fs) {
        return startUpRows(summary, fs, "COLD_START")
                .filter(s -> !Double.isNaN(s.migrationMillis()) && !Double.isNaN(s.firstTestMillis()))
                .findFirst()
                .map(s -> " (of it, " + ms(s.migrationMillis()) + " ms the migration's own statements, which fill "
                        + s.sizeMb() + " MB; the rest " + ms(s.firstTestMillis() - s.migrationMillis()) + " ms)")
                .orElse("");
    }

    /** The start-up row of {@code @LakebaseBranch} of {@code kind} on {@code fs} whose samples reached a test. */
    private static Optional<StartupRow> startUpRow(Summary summary, Filesystem fs, String kind) {
        return startUpRows(summary, fs, kind)
                .filter(s -> !Double.isNaN(s.firstTestMillis()))
                .findFirst();
    }

    /** The start-up rows of {@code @LakebaseBranch} (not Spring) of {@code kind} on {@code fs}. */
    private static Stream<StartupRow> startUpRows(Summary summary, Filesystem fs, String kind) {
        return summary.startup().stream()
                .filter(s -> s.filesystem().equals(fs.label())
                        && s.approach().equals(Approach.LAKEBASE.name())
                        && s.kind().equals(kind));
    }

    /** {@code "1,600 ms (over)"}, or {@code "1,600 ms (over; median of 3: 1,400-1,700 ms)"} for several samples. */
    private static String startTime(Optional<StartupRow> row, double limit) {
        return row.map(r -> StartupReport.msOfSamples(r.firstTest(), r.firstTestMillis() > limit ? "over" : ""))
                .orElse("not measured");
    }

    static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }
}
