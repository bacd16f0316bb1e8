package io.github.lakebase.benchmarks;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.report.Filesystem;
import io.github.lakebase.benchmarks.report.Machine;
import io.github.lakebase.benchmarks.report.MemoryRow;
import io.github.lakebase.benchmarks.report.ResultFiles;
import io.github.lakebase.benchmarks.report.Row;
import io.github.lakebase.benchmarks.report.StartupRow;
import io.github.lakebase.benchmarks.report.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark: for each filesystem and parent size, the cost per test of every way of giving each
 * test a fresh database, side by side in one run on one machine; the same for a Spring Boot application's
 * JPA test; the time to the first test of a cold and a warm start; tests per second with tests in parallel
 * threads and JVMs; and the memory of live branches. The decisive cells run several times, interleaved.
 * Results go to CSV, JSON, Markdown and a chart. Run it with {@code benchmarks/run.sh}, which builds the
 * module and makes an XFS filesystem when it can.
 *
 * <pre>{@code
 * java -cp ... io.github.lakebase.benchmarks.Benchmarks --quick --out target/results
 * }</pre>
 */
public final class Benchmarks {

    /** The largest parent whose cells {@code --repeat} repeats: the sizes that decide between the approaches. */
    static final int REPEATED_UP_TO_MB = 100;

    private final Options options;
    private final CellRunner runner;
    private final List<CellResult> results = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> slowWork = new ConcurrentHashMap<>();
    private final AtomicInteger cellNumber = new AtomicInteger();
    private volatile boolean sideBySide;

    private Benchmarks(Options options) throws IOException {
        this.options = options;
        this.runner = new CellRunner(options.out().resolve("cells"), options.jvmOptions());
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
            benchmarks.measure(fs, fs == filesystems.get(0));
        }
        Summary summary = Summary.of(
                benchmarks.results,
                filesystems,
                Machine.describe(Summary.serverVersion(benchmarks.results)),
                options.command(),
                (System.nanoTime() - start) / 1e9);
        List<Path> written = ResultFiles.write(summary, benchmarks.results, options.out(), options.docs());
        try {
            Files.deleteIfExists(options.workDirectory()); // empty once every cell has deleted its directory
        } catch (IOException e) {
            System.out.println("Left " + options.workDirectory() + " behind: " + e);
        }
        System.out.printf(Locale.ROOT, "%nBenchmark finished in %.0f s. Results:%n", summary.seconds());
        written.forEach(p -> System.out.println("  " + p));
        long failed = java.util.stream.Stream.of(
                        summary.rows().stream().map(Row::note),
                        summary.startup().stream().map(StartupRow::note),
                        summary.memory().stream().map(MemoryRow::note).distinct())
                .flatMap(notes -> notes)
                .filter(note -> note.startsWith("failed"))
                .count();
        if (failed > 0) {
            System.out.println(failed + " cell(s) had failing tests; see the notes in the results.");
            System.exit(1);
        }
    }

    /**
     * The filesystems to measure, the one every kind of cell runs on first: a journaled ext4 (what hosted CI runners
     * and most laptops have), the default one or, when that is not a journaled ext4, the one {@code --ext4} names; XFS
     * with reflinks; and a default filesystem that is neither, for the cost cells.
     */
    private static List<Filesystem> filesystems(Options options) throws IOException {
        Path work = Files.createDirectories(options.workDirectory());
        Filesystem local = Filesystem.probe("default", work);
        boolean localIsJournaledExt4 = local.type().equals("ext4") && !local.withoutJournal();
        boolean localIsXfs = local.type().equals("xfs") && local.reflink();
        Filesystem ext4 = localIsJournaledExt4 ? local.withLabel("ext4") : ext4(options);
        Filesystem xfs = localIsXfs ? local.withLabel("xfs") : xfs(options);
        // The default filesystem when it is of another kind than those: an ext4 without a journal, say.
        Filesystem other = localIsJournaledExt4 || localIsXfs
                ? null
                : local.withLabel(local.type() + (local.withoutJournal() ? "-nojournal" : ""));
        List<Filesystem> candidates =
                ext4.skipped() == null ? Arrays.asList(ext4, xfs, other) : Arrays.asList(other, xfs, ext4);
        List<Filesystem> measured = new ArrayList<>();
        List<Filesystem> skipped = new ArrayList<>();
        for (Filesystem fs : candidates) {
            if (fs != null) {
                (fs.skipped() == null ? measured : skipped).add(fs);
            }
        }
        measured.addAll(skipped);
        return measured;
    }

    /** The journaled ext4 that {@code --ext4} names, or why there is none. */
    private static Filesystem ext4(Options options) {
        if (options.ext4() == null) {
            return Filesystem.skipped(
                    "ext4",
                    options.ext4Skipped() != null
                            ? options.ext4Skipped()
                            : "no journaled ext4 filesystem given (--ext4 DIR); benchmarks/run.sh makes one when it runs "
                                    + "as root");
        }
        Filesystem ext4 = Filesystem.probe("ext4", options.ext4());
        return ext4.type().equals("ext4") && !ext4.withoutJournal()
                ? ext4
                : Filesystem.skipped("ext4", options.ext4() + " is " + ext4.describe() + ", not ext4 with a journal");
    }

    /** The XFS with reflinks that {@code --xfs} names, or why there is none. */
    private static Filesystem xfs(Options options) {
        if (options.xfs() == null) {
            return Filesystem.skipped(
                    "xfs",
                    options.xfsSkipped() != null
                            ? options.xfsSkipped()
                            : "no XFS filesystem given (--xfs DIR); benchmarks/run.sh makes one when it runs as root");
        }
        Filesystem xfs = Filesystem.probe("xfs", options.xfs());
        return xfs.type().equals("xfs") && xfs.reflink()
                ? xfs
                : Filesystem.skipped("xfs", options.xfs() + " is " + xfs.describe() + ", not XFS with reflinks");
    }

    private void measure(Filesystem fs, boolean main) throws IOException, InterruptedException {
        if (!main) {
            measure(fs, 1, true, false);
        } else if (options.quick()) {
            // A smoke run's numbers only show that every cell runs and isolates its tests: to keep it short, the cells
            // of the cost tables and the others run side by side, in two sequences.
            sideBySide(
                    () -> measure(fs, options.repeat(), true, false), () -> measure(fs, options.repeat(), false, true));
        } else {
            measure(fs, options.repeat(), true, true);
        }
    }

    /**
     * Runs cells on {@code fs}: the decisive ones once per round, so that a change of the machine's load hits every
     * approach alike.
     *
     * @param rounds how often the decisive cells run
     * @param cost whether to run the cells of the cost tables and their startup
     * @param others whether to run the Spring, parallel and memory cells
     */
    private void measure(Filesystem fs, int rounds, boolean cost, boolean others)
            throws IOException, InterruptedException {
        int middle = options.sizesMb().get(options.sizesMb().size() / 2);
        // A start is one JVM's, which moves by a second from one to the next: each is measured --repeat times, once
        // per round where the cells run in rounds, else one after another.
        int startsPerRound = rounds >= options.repeat() ? 1 : options.repeat();
        for (int round = 1; round <= rounds; round++) {
            if (cost && options.runs(Options.Group.COST)) {
                for (int size : options.sizesMb()) {
                    if (round == 1 || size <= REPEATED_UP_TO_MB) {
                        costPerTest(fs, size, round);
                    }
                }
            }
            List<Cell> springColdStarts = new ArrayList<>();
            if (others && options.runs(Options.Group.SPRING)) {
                for (Approach approach : Approach.springInRound(round)) {
                    Cell cell = cell(Cell.Kind.PER_TEST, approach, fs, 0)
                            .withPrefetch(
                                    approach == Approach.SPRING_LAKEBASE
                                                    || approach == Approach.SPRING_LAKEBASE_FORK_EACH
                                            ? options.prefetch()
                                            : 0)
                            .withRound(round);
                    // Each round's @LakebaseBranch cell starts on an empty data directory of its own: its first test
                    // is the cold start of a Spring test, and what it leaves is where a second JVM starts warm.
                    boolean coldStart = approach == Approach.SPRING_LAKEBASE && options.runs(Options.Group.STARTUP);
                    run(cell, !coldStart);
                    if (coldStart) {
                        springColdStarts.add(cell);
                    }
                }
            }
            if (options.runs(Options.Group.STARTUP)) {
                // A cold start on an empty persistent data directory, then a warm start on what it left.
                for (int i = 1; i <= (cost ? startsPerRound : 0); i++) {
                    Cell cold = Cells.coldStart(
                                    options,
                                    fs.label(),
                                    Path.of(fs.directory(), "start").toString(),
                                    middle)
                            .withRound((round - 1) * startsPerRound + i);
                    run(cold, false);
                    warmThenJoined(cold);
                }
                for (Cell springColdStart : springColdStarts) {
                    warmThenJoined(springColdStart);
                }
            }
        }
        if (others && options.runs(Options.Group.PARALLEL)) {
            for (Approach approach : List.of(Approach.LAKEBASE, Approach.ZONKY)) {
                Cell cell = cell(Cell.Kind.THROUGHPUT, approach, fs, middle)
                        .withPrefetch(approach == Approach.LAKEBASE ? options.prefetch() : 0);
                if (!options.quick()) {
                    run(cell); // the sequential rate, for reference; the cost cells run the same tests one by one
                }
                run(cell(Cell.Kind.THROUGHPUT, approach, fs, middle)
                        .withPrefetch(cell.prefetch())
                        .inParallel(options.threads(), 1));
                run(cell(Cell.Kind.THROUGHPUT, approach, fs, middle)
                        .withPrefetch(cell.prefetch())
                        .inParallel(1, options.forks()));
            }
        }
        if (others && options.runs(Options.Group.MEMORY)) {
            run(cell(Cell.Kind.MEMORY, Approach.MEMORY, fs, options.sizesMb().get(0))
                    .withPrefetch(options.prefetch())
                    .withBranches(options.branches()));
        }
    }

    /** A sequence of cells. */
    @FunctionalInterface
    private interface Sequence {
        void run() throws IOException, InterruptedException;
    }

    /** Runs two sequences of cells at once, each in order, and waits for both. */
    private void sideBySide(Sequence first, Sequence second) throws IOException, InterruptedException {
        ExecutorService two = Executors.newFixedThreadPool(2);
        sideBySide = true;
        try {
            List<Future<Void>> futures = List.of(
                    two.submit(() -> {
                        first.run();
                        return null;
                    }),
                    two.submit(() -> {
                        second.run();
                        return null;
                    }));
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            two.shutdownNow();
            sideBySide = false;
        }
    }

    /** Every approach at one parent size, and the rows with slow tests, which prefetching is for. */
    private void costPerTest(Filesystem fs, int size, int round) throws IOException, InterruptedException {
        CellResult raw = run(cell(Cell.Kind.PER_TEST, Approach.RAW, fs, size).withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.RAW_WAL_LOG, fs, size).withRound(round));
        double fork = Summary.row(raw).cost().median();
        // Tests that take longer than a fork: what prefetching is for. Every round keeps the first round's length,
        // so that the rounds of a cell are the same cell.
        long work = slowWork.computeIfAbsent(
                fs.label() + "/" + size, k -> Math.max(50, Math.round(1.5 * (Double.isNaN(fork) ? 100 : fork))));
        run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size).withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size)
                .withPrefetch(options.prefetch())
                .withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE_FORK_EACH, fs, size)
                .withPrefetch(options.prefetch())
                .withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.FLYWAY, fs, size).withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.ZONKY, fs, size).withRound(round));
        run(cell(Cell.Kind.PER_TEST, Approach.CLUSTER_PER_CLASS, fs, size).withRound(round));
        run(slow(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size), work).withRound(round));
        run(slow(cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, fs, size), work)
                .withPrefetch(options.prefetch())
                .withRound(round));
    }

    /**
     * A warm start on the directory {@code cold} left, which leaves its server running for a while ({@link
     * Cell#LINGER_SECONDS}), then a start that joins that server; then, once the server has stopped, the directory is
     * deleted.
     */
    private void warmThenJoined(Cell cold) throws IOException, InterruptedException {
        run(cold.withKind(Cell.Kind.WARM_START), false);
        run(cold.withKind(Cell.Kind.JOINED_START), false);
        Path pid = Path.of(cold.directory(), "lakebase-data", "postmaster.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Cell.LINGER_SECONDS + 60L);
        while (Files.exists(pid) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        CellRunner.deleteRecursively(Path.of(cold.directory()));
    }

    /** A cell of {@code kind} on {@code fs}, in a directory of its own there. */
    private Cell cell(Cell.Kind kind, Approach approach, Filesystem fs, int size) {
        String directory =
                Path.of(fs.directory(), "cell-" + cellNumber.incrementAndGet()).toString();
        return Cells.cell(options, kind, approach, fs.label(), directory, size);
    }

    /**
     * {@code cell} with tests whose bodies take {@code work} ms, and twice the time for as many tests: their median is
     * taken over as many tests as a fast cell's, not over the first few of a new JVM, whose code is not compiled yet.
     */
    private Cell slow(Cell cell, long work) {
        return cell.withTests(options.tests(), 2 * options.budgetSeconds()).withWork(work);
    }

    private CellResult run(Cell cell) throws IOException, InterruptedException {
        return run(cell, true);
    }

    private CellResult run(Cell cell, boolean deleteAfter) throws IOException, InterruptedException {
        String what = Progress.what(cell);
        if (!sideBySide) {
            System.out.print(what); // the cell that runs now, its numbers when it ends
            System.out.flush();
        }
        CellResult result = runner.run(cell, deleteAfter);
        results.add(result);
        System.out.println((sideBySide ? what : "") + Progress.line(result));
        return result;
    }
}
