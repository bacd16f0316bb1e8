package io.github.lakebase.benchmarks;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.report.Filesystem;
import io.github.lakebase.benchmarks.report.Machine;
import io.github.lakebase.benchmarks.report.ResultFiles;
import io.github.lakebase.benchmarks.report.Row;
import io.github.lakebase.benchmarks.report.StartupRow;
import io.github.lakebase.benchmarks.report.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark: for each filesystem and parent size, the cost per test of every way of giving each
 * test a fresh database, side by side in one run on one machine; then the time to the first test of a
 * cold and a warm start. Results go to CSV, JSON, Markdown and a chart. Run it with
 * {@code benchmarks/run.sh}, which builds the module and makes an XFS filesystem when it can.
 *
 * <pre>{@code
 * java -cp ... io.github.lakebase.benchmarks.Benchmarks --quick --out target/results
 * }</pre>
 */
public final class Benchmarks {

    private final Options options;
    private final CellRunner runner;
    private final List<CellResult> results = new ArrayList<>();
    private int cellNumber;

    private Benchmarks(Options options) throws IOException {
        this.options = options;
        this.runner = new CellRunner(options.out().resolve("cells"));
    }

    /**
     * Entry point.
     *
     * @param args see {@link Options#USAGE}
     * @throws Exception when the results cannot be written
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        List<Filesystem> filesystems = filesystems(options);
        Benchmarks benchmarks = new Benchmarks(options);
        for (Filesystem fs : filesystems) {
            if (fs.skipped() != null) {
                System.out.println("Skipping " + fs.label() + ": " + fs.skipped());
                continue;
            }
            benchmarks.measure(fs);
        }
        Summary summary = Summary.of(
                benchmarks.results,
                filesystems,
                Machine.describe(Summary.serverVersion(benchmarks.results)),
                options.command(),
                (System.nanoTime() - start) / 1e9);
        List<Path> written = ResultFiles.write(summary, benchmarks.results, options.out(), options.docs());
        System.out.printf(Locale.ROOT, "%nBenchmark finished in %.0f s. Results:%n", summary.seconds());
        written.forEach(p -> System.out.println("  " + p));
        long failed = java.util.stream.Stream.concat(
                        summary.rows().stream().map(Row::note),
                        summary.startup().stream().map(StartupRow::note))
                .filter(note -> note.startsWith("failed"))
                .count();
        if (failed > 0) {
            System.out.println(failed + " cell(s) had failing tests; see the notes in the results.");
            System.exit(1);
        }
    }

    private static List<Filesystem> filesystems(Options options) throws IOException {
        List<Filesystem> filesystems = new ArrayList<>();
        Path work = Files.createDirectories(options.workDirectory());
        Filesystem local = Filesystem.probe("default", work);
        filesystems.add(new Filesystem(local.type(), local.directory(), local.type(), local.reflink(), null));
        if (options.xfs() != null) {
            Filesystem xfs = Filesystem.probe("xfs", options.xfs());
            if (!xfs.type().equals("xfs") || !xfs.reflink()) {
                xfs = Filesystem.skipped("xfs", options.xfs() + " is " + xfs.describe() + ", not XFS with reflinks");
            } else if (xfs.directory().equals(local.directory()) || local.type().equals("xfs")) {
                xfs = Filesystem.skipped("xfs", "the default filesystem is XFS already");
            }
            filesystems.add(xfs);
        } else {
            filesystems.add(Filesystem.skipped(
                    "xfs",
                    options.xfsSkipped() != null
                            ? options.xfsSkipped()
                            : "no XFS filesystem given (--xfs DIR); benchmarks/run.sh makes one when it runs as root"));
        }
        return filesystems;
    }

    private void measure(Filesystem fs) throws IOException, InterruptedException {
        for (int size : options.sizesMb()) {
            CellResult raw = run(cell(Cell.Kind.PER_TEST, Approach.RAW, fs, size, 0, 0));
            double fork = Summary.row(raw).cost().median();
            // Tests that take longer than a fork: what prefetching is for.
            long work = Math.max(50, Math.round(1.5 * (Double.isNaN(fork) ? 100 : fork)));
            run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size, 0, 0));
            run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size, options.prefetch(), 0));
            run(cell(Cell.Kind.PER_TEST, Approach.FLYWAY, fs, size, 0, 0));
            run(cell(Cell.Kind.PER_TEST, Approach.ZONKY, fs, size, 0, 0));
            run(cell(Cell.Kind.PER_TEST, Approach.CLUSTER_PER_CLASS, fs, size, 0, 0));
            run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size, 0, work));
            run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size, options.prefetch(), work));
        }
        // Startup: a cold start on an empty persistent data directory, then a warm start on what it left.
        int size = options.sizesMb().get(options.sizesMb().size() / 2);
        Cell cold = cell(Cell.Kind.COLD_START, Approach.LAKEBASE, fs, size, 0, 0);
        Cell warm = new Cell(
                Cell.Kind.WARM_START,
                cold.approach(),
                cold.filesystem(),
                cold.directory(),
                size,
                0,
                0,
                cold.tests(),
                cold.minimumTests(),
                cold.budgetSeconds());
        run(cold, false);
        run(warm, true);
    }

    private Cell cell(Cell.Kind kind, Approach approach, Filesystem fs, int size, int prefetch, long work) {
        boolean slow = work > 0;
        int tests = slow ? Math.max(options.minimumTests(), options.tests() / 2) : options.tests();
        String name = kind == Cell.Kind.PER_TEST
                ? "cell-" + (++cellNumber)
                : kind.name().toLowerCase(Locale.ROOT);
        return new Cell(
                kind,
                approach,
                fs.label(),
                Path.of(fs.directory(), name).toString(),
                size,
                prefetch,
                work,
                tests,
                options.minimumTests(),
                options.budgetSeconds() * (slow ? 2 : 1));
    }

    private CellResult run(Cell cell) throws IOException, InterruptedException {
        return run(cell, true);
    }

    private CellResult run(Cell cell, boolean deleteAfter) throws IOException, InterruptedException {
        System.out.printf(
                Locale.ROOT,
                "%-5s %5d MB  %-70s ",
                cell.filesystem(),
                cell.sizeMb(),
                cell.kind() == Cell.Kind.PER_TEST
                        ? Summary.label(cell)
                        : cell.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                                + " (@LakebaseBranch, persistent data directory)");
        System.out.flush();
        CellResult result = runner.run(cell, deleteAfter);
        results.add(result);
        if (cell.kind() == Cell.Kind.PER_TEST) {
            Row row = Summary.row(result);
            System.out.printf(
                    Locale.ROOT,
                    "median %8.1f ms, p90 %8.1f ms, wait %8.1f ms (%d tests, %.0f s)%s%n",
                    row.cost().median(),
                    row.cost().p90(),
                    row.waiting().median(),
                    row.cost().count(),
                    result.seconds(),
                    row.note().isEmpty() ? "" : "  " + row.note());
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "first test after %8.1f ms (%.0f ms after the JVM started)%s%n",
                    result.firstTestMillis(),
                    result.jvmToFirstTestMillis(),
                    result.unavailable() == null ? "" : "  " + result.unavailable());
        }
        return result;
    }
}
