package io.github.lakebase.benchmarks.report;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.harness.Sample;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run found, summarised: one {@link Row} per measured cell (the rounds of a repeated cell
 * together, warm-up tests left out), with its ratio to the raw limit; one {@link StartupRow} per startup
 * cell; one {@link MemoryRow} per number of live branches.
 *
 * <pre>{@code
 * Summary summary = Summary.of(results, filesystems, machine, options.command(), seconds);
 * }</pre>
 *
 * @param command the command that produced it
 * @param machine the machine
 * @param filesystems the filesystems, measured or skipped
 * @param rows the per-test and throughput results
 * @param startup the startup results
 * @param memory the memory results
 * @param seconds how long the run took
 */
public record Summary(
        String command,
        Machine machine,
        List<Filesystem> filesystems,
        List<Row> rows,
        List<StartupRow> startup,
        List<MemoryRow> memory,
        double seconds) {

    /** The order of the start-up rows of a filesystem and approach: as a run makes them. */
    private static final List<String> START_ORDER = List.of("COLD_START", "WARM_START", "JOINED_START", "REFERENCE");

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
        Map<String, List<CellResult>> rounds = new LinkedHashMap<>();
        Map<StartKey, List<CellResult>> starts = new LinkedHashMap<>();
        List<MemoryRow> memory = new ArrayList<>();
        for (CellResult r : results) {
            Cell cell = r.cell();
            switch (cell.kind()) {
                case PER_TEST, THROUGHPUT ->
                    rounds.computeIfAbsent(cell.key(), k -> new ArrayList<>()).add(r);
                case MEMORY -> memory.addAll(memoryRows(r));
                case COLD_START, WARM_START, JOINED_START ->
                    start(starts, r, cell.kind().name());
            }
            // The first test of a Spring cell is a JVM's first Spring test: on an empty data directory for
            // @LakebaseBranch (a cold start: every round's cell has a directory of its own), on H2 for the reference.
            if (cell.kind() == Cell.Kind.PER_TEST && cell.approach() == Approach.SPRING_LAKEBASE) {
                start(starts, r, Cell.Kind.COLD_START.name());
            }
            if (cell.kind() == Cell.Kind.PER_TEST && cell.approach() == Approach.SPRING_H2) {
                start(starts, r, "REFERENCE");
            }
        }
        List<StartupRow> startup = new ArrayList<>();
        starts.forEach((key, samples) -> startup.add(startupRow(samples, key.kind())));
        startup.sort(Comparator.comparing(StartupRow::filesystem)
                .thenComparing(s -> Approach.valueOf(s.approach()))
                .thenComparing(s -> START_ORDER.indexOf(s.kind())));
        List<Row> rows = rounds.values().stream().map(Summary::row).toList();
        List<Row> withRatios = rows.stream()
                .map(row -> row.withRatio(
                        !row.costPerTest()
                                ? Double.NaN
                                : rows.stream()
                                        .filter(raw -> raw.approach().equals(Approach.RAW.name())
                                                && raw.costPerTest()
                                                && raw.filesystem().equals(row.filesystem())
                                                && raw.sizeMb() == row.sizeMb())
                                        .findFirst()
                                        .map(raw ->
                                                row.cost().median() / raw.cost().median())
                                        .orElse(Double.NaN)))
                .toList();
        return new Summary(command, machine, filesystems, withRatios, startup, memory, seconds);
    }

    /** The name of a cell's row. */
    public static String label(Cell cell) {
        String label = cell.approach().label();
        if (cell.kind() == Cell.Kind.THROUGHPUT) {
            String how = cell.forks() > 1
                    ? "forkCount=" + cell.forks()
                    : cell.threads() > 1 ? cell.threads() + " threads" : "one after another";
            return label + ", " + how;
        }
        if (cell.approach() != Approach.LAKEBASE && cell.approach() != Approach.LAKEBASE_FORK_EACH) {
            return label;
        }
        if (cell.workMs() > 0) {
            label += ", slow tests";
        }
        return label + (cell.prefetch() > 0 ? ", lakebase.prefetch=" + cell.prefetch() : ", no prefetching");
    }

    /**
     * The row of one round of a cell, without a ratio.
     *
     * @param r the cell's result
     * @return its row
     */
    public static Row row(CellResult r) {
        return row(List.of(r));
    }

    /**
     * The row of a cell, all its rounds together, without a ratio.
     *
     * @param rounds the results of its rounds, at least one
     * @return its row
     */
    static Row row(List<CellResult> rounds) {
        Cell cell = rounds.get(0).cell();
        List<Sample> ok = rounds.stream()
                .flatMap(r -> r.measured().stream())
                .filter(Sample::succeeded)
                .toList();
        int failures = (int) rounds.stream()
                .flatMap(r -> r.tests().stream())
                .filter(s -> !s.succeeded())
                .count();
        Spread spread = rounds.size() < 2
                ? null
                : Spread.of(rounds.stream().mapToDouble(r -> costs(r).median()).toArray());
        double testsPerSecond = cell.kind() != Cell.Kind.THROUGHPUT
                ? Double.NaN
                : Stats.of(rounds.stream().mapToDouble(Summary::testsPerSecond).toArray())
                        .median();
        return new Row(
                cell.kind().name(),
                cell.filesystem(),
                cell.approach().name(),
                label(cell),
                cell.sizeMb(),
                rounds.stream().mapToLong(CellResult::databaseBytes).max().orElse(0) / 1024.0 / 1024.0,
                cell.prefetch(),
                cell.workMs(),
                cell.threads(),
                cell.forks(),
                Stats.of(ok.stream().mapToDouble(Sample::costMillis).toArray()),
                Stats.of(ok.stream().mapToDouble(Sample::waitMillis).toArray()),
                Stats.of(ok.stream().mapToDouble(Sample::afterMillis).toArray()),
                Stats.of(rounds.stream()
                        .flatMap(r -> laterHalf(r.measured()).stream())
                        .filter(Sample::succeeded)
                        .mapToDouble(Sample::costMillis)
                        .toArray()),
                testsPerSecond,
                spread,
                Double.NaN,
                failures,
                rounds.stream()
                        .map(Summary::note)
                        .filter(n -> !n.isEmpty())
                        .findFirst()
                        .orElse(""));
    }

    /** The later half of a round's measured tests (the middle one with them when they are odd in number). */
    private static List<Sample> laterHalf(List<Sample> measured) {
        return measured.subList(measured.size() / 2, measured.size());
    }

    private static Stats costs(CellResult r) {
        return Stats.of(r.measured().stream()
                .filter(Sample::succeeded)
                .mapToDouble(Sample::costMillis)
                .toArray());
    }

    /** Tests that passed per second, from the start of the first measured test to the end of the last. */
    private static double testsPerSecond(CellResult r) {
        long passed = r.measured().stream().filter(Sample::succeeded).count();
        double seconds = (r.measuredToMillis() - r.measuredFromMillis()) / 1000.0;
        return passed == 0 || seconds <= 0 ? Double.NaN : passed / seconds;
    }

    /** What makes two start-up results samples of one start. */
    private record StartKey(String filesystem, Approach approach, String kind, int sizeMb) {}

    /** Adds {@code r} to the samples of its start. */
    private static void start(Map<StartKey, List<CellResult>> starts, CellResult r, String kind) {
        Cell cell = r.cell();
        starts.computeIfAbsent(
                        new StartKey(cell.filesystem(), cell.approach(), kind, cell.sizeMb()), k -> new ArrayList<>())
                .add(r);
    }

    /** The row of one start's samples: the median and range of each time, the first note of a failed one. */
    private static StartupRow startupRow(List<CellResult> samples, String kind) {
        Cell cell = samples.get(0).cell();
        return new StartupRow(
                cell.filesystem(),
                cell.approach().name(),
                cell.approach().label(),
                kind,
                cell.sizeMb(),
                Spread.of(samples.stream()
                        .mapToDouble(CellResult::firstTestMillis)
                        .toArray()),
                Spread.of(samples.stream()
                        .mapToDouble(CellResult::jvmToFirstTestMillis)
                        .toArray()),
                Spread.of(samples.stream()
                                .mapToDouble(r -> r.values().getOrDefault(V1__Fill.MILLIS_VALUE, Double.NaN))
                                .toArray())
                        .median(),
                samples.stream()
                        .map(Summary::note)
                        .filter(n -> !n.isEmpty())
                        .findFirst()
                        .orElse(""));
    }

    private static List<MemoryRow> memoryRows(CellResult r) {
        String note = note(r);
        return r.cell().branches().stream()
                .map(n -> {
                    String prefix = "memory." + n + ".";
                    Map<String, Double> v = r.values();
                    return new MemoryRow(
                            r.cell().filesystem(),
                            n,
                            v.getOrDefault(prefix + "connections", 0.0).intValue(),
                            v.getOrDefault(prefix + "server-processes", 0.0).intValue(),
                            v.getOrDefault(prefix + "server-pss-mb", Double.NaN),
                            v.getOrDefault(prefix + "heap-mb", Double.NaN),
                            v.containsKey(prefix + "server-pss-mb") ? note : note.isEmpty() ? "not measured" : note);
                })
                .toList();
    }

    private static String note(CellResult r) {
        if (r.error() != null) {
            if (alternativeInParallel(r.cell()) && notIsolated(r.error())) {
                // The alternative's class failed as a whole on a database another test had changed.
                return "not isolated: the test class failed on a database another test had changed";
            }
            return "failed: " + r.error();
        }
        if (r.unavailable() != null) {
            return "skipped: " + r.unavailable();
        }
        List<Sample> failed = r.tests().stream().filter(s -> !s.succeeded()).toList();
        if (!failed.isEmpty() && notIsolatedInParallel(r.cell(), failed)) {
            // What the parallel cell finds out about an alternative, not a failure of the benchmark.
            return "not isolated: " + failed.size() + " of " + r.tests().size()
                    + " tests found a database another test had changed";
        }
        return failed.stream()
                .findFirst()
                .map(s -> "failed: " + s.failure())
                .orElse(
                        r.tests().isEmpty()
                                        || (r.cell().kind() != Cell.Kind.MEMORY
                                                && r.measured().isEmpty())
                                ? "no test ran"
                                : "");
    }

    /**
     * Whether every failure is an alternative's test that, running in parallel, found another test's changes: its
     * database not fresh, or dropped under it (PostgreSQL's "It seems to have just been dropped or renamed", said of a
     * database dropped while a connection to it was being opened).
     */
    private static boolean notIsolatedInParallel(Cell cell, List<Sample> failed) {
        return alternativeInParallel(cell) && failed.stream().allMatch(s -> notIsolated(s.failure()));
    }

    /** Whether a test's failure says it found another test's changes, or its database dropped by another. */
    private static boolean notIsolated(String failure) {
        return failure.contains(Workload.NOT_ISOLATED) || failure.contains(DROPPED_UNDER_IT);
    }

    /** What PostgreSQL says to a connection whose database another session has just dropped. */
    private static final String DROPPED_UNDER_IT = "It seems to have just been dropped or renamed";

    /** A cell of an alternative to the library with tests in parallel, whose failures are findings about it. */
    private static boolean alternativeInParallel(Cell cell) {
        return cell.kind() == Cell.Kind.THROUGHPUT && cell.approach() != Approach.LAKEBASE;
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
