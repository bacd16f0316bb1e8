package io.github.lakebase.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark's command line.
 *
 * <pre>{@code
 * Options options = Options.parse("--quick", "--out", "target/results");
 * }</pre>
 *
 * @param quick a smoke run: tiny parents, few tests, seconds per cell
 * @param out where results go
 * @param docs where {@code benchmarks.md} and {@code benchmarks.png} go, or {@code null} for nowhere
 * @param workDirectory where data directories go on the default filesystem (by default a directory of this run's
 *     own under the temporary directory)
 * @param xfs the mount point of an XFS filesystem with reflinks, or {@code null}
 * @param xfsSkipped why there is no XFS filesystem, or {@code null}
 * @param ext4 the mount point of an ext4 filesystem with a journal, or {@code null}: measured in the place of the
 *     default filesystem when that is not a journaled ext4 already
 * @param ext4Skipped why there is no journaled ext4 filesystem, or {@code null}
 * @param sizesMb parent sizes (MB of fill data)
 * @param tests tests measured per cell (after one warm-up test)
 * @param minimumTests tests measured per cell whatever the time
 * @param budgetSeconds after how long a cell starts no further test
 * @param prefetch the {@code lakebase.prefetch} of the rows with prefetching
 * @param repeat how often the decisive cells run, interleaved, and how often each start-up cell runs
 * @param threads JUnit's parallelism in the parallel cells
 * @param forks JVMs at once in the parallel cells
 * @param branches the numbers of live branches of the memory cell
 * @param only the groups of cells to run
 * @param jvmOptions options every cell's JVM starts with, after the benchmark's own ({@code -Xmx2g}), in order
 * @param command the command line to print in the results
 */
public record Options(
        boolean quick,
        Path out,
        Path docs,
        Path workDirectory,
        Path xfs,
        String xfsSkipped,
        Path ext4,
        String ext4Skipped,
        List<Integer> sizesMb,
        int tests,
        int minimumTests,
        long budgetSeconds,
        int prefetch,
        int repeat,
        int threads,
        int forks,
        List<Integer> branches,
        Set<Group> only,
        List<String> jvmOptions,
        String command) {

    /** The groups of cells a run can be limited to ({@code --only}). */
    public enum Group {
        /** The cost per test of every approach, by filesystem and parent size, and the prefetching rows. */
        COST,
        /** Cold and warm starts. */
        STARTUP,
        /** The Spring Boot cell. */
        SPRING,
        /** Tests per second with tests in parallel threads and JVMs. */
        PARALLEL,
        /** The memory of live branches. */
        MEMORY
    }

    static final String USAGE = """
            Usage: benchmarks/run.sh [--quick] [options]
              --quick             smoke run: parents of 1 and 8 MB, 3 tests per cell, default filesystem only, the
                                  cost cells and the others in two sequences side by side
              --out DIR           where results go (default: benchmarks/target/benchmark-results/<time>)
              --docs DIR          also write benchmarks.md and benchmarks.png there (run.sh: docs/ in full mode)
              --work-dir DIR      where data directories go on the default filesystem (default: a temporary one of
                                  the run's own)
              --xfs DIR           mount point of an XFS filesystem with reflink=1 (run.sh makes one when it can)
              --xfs-skipped WHY   say why there is no XFS filesystem
              --ext4 DIR          mount point of an ext4 filesystem with a journal (run.sh makes one when it can)
              --ext4-skipped WHY  say why there is no journaled ext4 filesystem
              --sizes MB,MB,...   parent sizes in MB of fill data (default 10,100,1000)
              --tests N           tests measured per cell, after a warm-up test (default 20; a Spring cell 15 times as many)
              --min-tests N       tests measured per cell whatever the time (default 5)
              --budget SECONDS    a cell starts no further test after this (default 45)
              --prefetch N        lakebase.prefetch of the rows with prefetching (default 2)
              --repeat N          run the decisive cells N times, interleaved round by round: the cost per
                                  test on the first filesystem at parents up to 100 MB, and the Spring
                                  cell; and every start-up cell N times (default 3; 1 with --quick)
              --threads N         JUnit threads of the parallel cell (default 4)
              --forks N           JVMs at once, on one data directory, of the parallel cell (default 2)
              --branches N,N,...  live branches of the memory cell (default 1,8,32)
              --only G,G,...      run only these groups of cells: cost, startup, spring, parallel, memory
                                  (default: all)
              --jvm-option OPT    start every cell's JVM with OPT too, for example -XX:TieredStopAtLevel=1 (may be
                                  given more than once)
              --command TEXT      the command line the results say produced them (run.sh passes its own)
            """;

    /**
     * Parses the command line.
     *
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException for an unknown or malformed argument, with the usage
     */
    public static Options parse(String... args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path out = null;
        Path docs = null;
        Path work = null;
        Path xfs = null;
        String xfsSkipped = null;
        Path ext4 = null;
        String ext4Skipped = null;
        List<Integer> sizes = quick ? List.of(1, 8) : List.of(10, 100, 1000);
        int tests = quick ? 3 : 20;
        int minimum = quick ? 2 : 5;
        long budget = quick ? 10 : 45;
        int prefetch = 2;
        int repeat = quick ? 1 : 3;
        int threads = 4;
        int forks = 2;
        List<Integer> branches = List.of(1, 8, 32);
        Set<Group> only = EnumSet.allOf(Group.class);
        List<String> jvmOptions = new ArrayList<>();
        String command = "benchmarks/run.sh" + (quick ? " --quick" : "");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value after " + arg + "\n" + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--out" -> out = Path.of(value);
                case "--docs" -> docs = Path.of(value);
                case "--work-dir" -> work = Path.of(value);
                case "--xfs" -> xfs = Path.of(value);
                case "--xfs-skipped" -> xfsSkipped = value;
                case "--ext4" -> ext4 = Path.of(value);
                case "--ext4-skipped" -> ext4Skipped = value;
                case "--sizes" -> sizes = parseNumbers(arg, value);
                case "--tests" -> tests = positive(arg, value);
                case "--min-tests" -> minimum = positive(arg, value);
                case "--budget" -> budget = positive(arg, value);
                case "--prefetch" -> prefetch = positive(arg, value);
                case "--repeat" -> repeat = positive(arg, value);
                case "--threads" -> threads = positive(arg, value);
                case "--forks" -> forks = positive(arg, value);
                case "--branches" -> branches = parseNumbers(arg, value);
                case "--only" -> only = parseGroups(value);
                case "--jvm-option" -> jvmOptions.add(value);
                case "--command" -> command = value;
                default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
            }
        }
        if (out == null) {
            out = Path.of(
                    "benchmarks",
                    "target",
                    "benchmark-results",
                    java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-'));
        }
        if (work == null) {
            // One directory per run, so that two runs on one machine never share (or delete) a cell's directory.
            work = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "lakebase-benchmarks",
                    "run-" + ProcessHandle.current().pid());
        }
        return new Options(
                quick,
                out,
                docs,
                work,
                xfs,
                xfsSkipped,
                ext4,
                ext4Skipped,
                sizes,
                tests,
                Math.min(minimum, tests),
                budget,
                prefetch,
                repeat,
                threads,
                forks,
                branches,
                only,
                List.copyOf(jvmOptions),
                command);
    }

    /** Whether the run includes {@code group}. */
    public boolean runs(Group group) {
        return only.contains(group);
    }

    private static List<Integer> parseNumbers(String option, String value) {
        List<Integer> numbers = new ArrayList<>();
        for (String s : value.split(",")) {
            numbers.add(positive(option, s.trim()));
        }
        return List.copyOf(numbers);
    }

    private static Set<Group> parseGroups(String value) {
        Set<Group> groups = EnumSet.noneOf(Group.class);
        for (String s : value.split(",")) {
            try {
                groups.add(Group.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--only takes cost, startup, spring, parallel and memory, not '" + s.trim() + "'\n" + USAGE);
            }
        }
        return groups;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, not '" + value + "'\n" + USAGE);
    }
}
