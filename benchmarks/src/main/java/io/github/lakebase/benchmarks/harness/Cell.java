package io.github.lakebase.benchmarks.harness;

import io.github.lakebase.benchmarks.suites.RawTemplateSuite;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One measurement: an approach on one filesystem at one parent size, with or without prefetching and
 * slow tests, run in a JVM of its own (or several at once, for {@link #forks()}). Startup cells measure
 * the time to the first test instead, throughput cells the tests per second of parallel runs, and memory
 * cells what live branches cost the server and the JVM.
 *
 * <pre>{@code
 * Cell cell = Cell.perTest(Approach.LAKEBASE, "xfs", "/mnt/xfs/cell-3", 100, 20, 5, 45).withPrefetch(2);
 * }</pre>
 *
 * @param kind what is measured
 * @param approach the approach
 * @param filesystem the label of the filesystem
 * @param directory where this cell's data directories go, on that filesystem
 * @param sizeMb megabytes of fill data in the parent
 * @param prefetch {@code lakebase.prefetch}: branches forked ahead ({@code 0} = off)
 * @param workMs how long each test's body takes beyond its database work
 * @param tests how many tests to measure, after one warm-up test (all the JVMs of the cell together)
 * @param minimumTests how many always run, time or not
 * @param budgetSeconds after how long no further test starts
 * @param round which of the interleaved repetitions of the run this is, from 1
 * @param threads JUnit's parallelism ({@code 1} = tests one after another)
 * @param forks JVMs that run the tests at once, on one data directory (surefire's {@code forkCount})
 * @param branches for a memory cell: the numbers of live branches to measure, one test each
 */
public record Cell(
        Kind kind,
        Approach approach,
        String filesystem,
        String directory,
        int sizeMb,
        int prefetch,
        long workMs,
        int tests,
        int minimumTests,
        long budgetSeconds,
        int round,
        int threads,
        int forks,
        List<Integer> branches) {

    /** What a cell measures. */
    public enum Kind {
        /** The cost of each test. */
        PER_TEST,
        /** Tests per second, with tests in parallel threads or JVMs. */
        THROUGHPUT,
        /** The server's memory and the JVM's heap with a number of live branches. */
        MEMORY,
        /** The time to the first test, on an empty persistent data directory. */
        COLD_START,
        /** The time to the first test, on the data directory a cold start left, with unchanged migrations. */
        WARM_START,
        /**
         * The time to the first test of a JVM that joins the server a warm start left running ({@code
         * lakebase.embedded.linger}).
         */
        JOINED_START
    }

    /**
     * How long, in seconds, a warm start leaves its server running for the start that joins it: long enough for
     * the next JVM to reach it, short enough that the benchmark waits little for it to stop before it deletes the
     * cell's directory.
     */
    public static final int LINGER_SECONDS = 10;

    /** The system property with the numbers of live branches of a memory cell, comma-separated. */
    public static final String BRANCHES_PROPERTY = "bench.branches";

    /** A cell that measures the cost per test of {@code approach}, without prefetching, slow tests or repetition. */
    public static Cell perTest(
            Approach approach,
            String filesystem,
            String directory,
            int sizeMb,
            int tests,
            int minimumTests,
            long budgetSeconds) {
        return new Cell(
                Kind.PER_TEST,
                approach,
                filesystem,
                directory,
                sizeMb,
                0,
                0,
                tests,
                minimumTests,
                budgetSeconds,
                1,
                1,
                1,
                List.of());
    }

    /** This cell as another kind. */
    public Cell withKind(Kind k) {
        return with(c -> c.kind = k);
    }

    /** This cell with {@code lakebase.prefetch=n}. */
    public Cell withPrefetch(int n) {
        return with(c -> c.prefetch = n);
    }

    /** This cell with test bodies that take {@code ms} beyond their database work. */
    public Cell withWork(long ms) {
        return with(c -> c.workMs = ms);
    }

    /** This cell running {@code n} tests (at least as many as its minimum), starting none after {@code seconds}. */
    public Cell withTests(int n, long seconds) {
        return with(c -> {
            c.tests = Math.max(n, minimumTests);
            c.budgetSeconds = seconds;
        });
    }

    /** This cell as round {@code n} of the interleaved repetitions. */
    public Cell withRound(int n) {
        return with(c -> c.round = n);
    }

    /** This cell run by {@code n} JUnit threads in each of {@code jvms} JVMs at once. */
    public Cell inParallel(int n, int jvms) {
        return with(c -> {
            c.threads = n;
            c.forks = jvms;
        });
    }

    /** This cell measuring memory with each of {@code counts} live branches. */
    public Cell withBranches(List<Integer> counts) {
        return with(c -> c.branches = List.copyOf(counts));
    }

    /** This cell with what {@code change} sets changed. */
    private Cell with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new Cell(
                c.kind,
                approach,
                filesystem,
                directory,
                sizeMb,
                c.prefetch,
                c.workMs,
                c.tests,
                minimumTests,
                c.budgetSeconds,
                c.round,
                c.threads,
                c.forks,
                c.branches);
    }

    /** The components a wither may change, as they are until it changes them. */
    private static final class Copy {
        Kind kind;
        int prefetch;
        long workMs;
        int round;
        int threads;
        int forks;
        List<Integer> branches;
        int tests;
        long budgetSeconds;

        Copy(Cell cell) {
            kind = cell.kind;
            prefetch = cell.prefetch;
            workMs = cell.workMs;
            round = cell.round;
            threads = cell.threads;
            forks = cell.forks;
            branches = cell.branches;
            tests = cell.tests;
            budgetSeconds = cell.budgetSeconds;
        }
    }

    /**
     * This cell as properties, for the JVM that measures it: read back there with {@link #fromProperties}, so that
     * the JVM loads no JSON library before its tests (the library under test makes its own JSON mapper when it needs
     * one, and a mapper the harness had made would take that cost off the measured start).
     */
    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("kind", kind.name());
        p.setProperty("approach", approach.name());
        p.setProperty("filesystem", filesystem);
        p.setProperty("directory", directory);
        p.setProperty("sizeMb", Integer.toString(sizeMb));
        p.setProperty("prefetch", Integer.toString(prefetch));
        p.setProperty("workMs", Long.toString(workMs));
        p.setProperty("tests", Integer.toString(tests));
        p.setProperty("minimumTests", Integer.toString(minimumTests));
        p.setProperty("budgetSeconds", Long.toString(budgetSeconds));
        p.setProperty("round", Integer.toString(round));
        p.setProperty("threads", Integer.toString(threads));
        p.setProperty("forks", Integer.toString(forks));
        p.setProperty("branches", branches.stream().map(String::valueOf).collect(Collectors.joining(",")));
        return p;
    }

    /**
     * The cell that {@link #toProperties} wrote.
     *
     * @throws IllegalArgumentException when a property is missing or malformed
     */
    public static Cell fromProperties(Properties p) {
        String branches = required(p, "branches", true);
        return new Cell(
                Kind.valueOf(required(p, "kind", false)),
                Approach.valueOf(required(p, "approach", false)),
                required(p, "filesystem", false),
                required(p, "directory", false),
                Integer.parseInt(required(p, "sizeMb", false)),
                Integer.parseInt(required(p, "prefetch", false)),
                Long.parseLong(required(p, "workMs", false)),
                Integer.parseInt(required(p, "tests", false)),
                Integer.parseInt(required(p, "minimumTests", false)),
                Long.parseLong(required(p, "budgetSeconds", false)),
                Integer.parseInt(required(p, "round", false)),
                Integer.parseInt(required(p, "threads", false)),
                Integer.parseInt(required(p, "forks", false)),
                branches.isEmpty()
                        ? List.of()
                        : Arrays.stream(branches.split(","))
                                .map(Integer::valueOf)
                                .toList());
    }

    private static String required(Properties p, String key, boolean mayBeEmpty) {
        String value = p.getProperty(key);
        if (value == null || (!mayBeEmpty && value.isEmpty())) {
            throw new IllegalArgumentException("The cell has no " + key);
        }
        return value;
    }

    /** The system properties of the JVM that measures this cell. */
    public Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bench.fill-mb", Integer.toString(sizeMb));
        p.put(Workload.WORK_PROPERTY, Long.toString(workMs));
        p.put("bench.data-directory", directory);
        p.put("lakebase.embedded.data-directory", directory + "/lakebase-data");
        p.put("lakebase.prefetch", Integer.toString(prefetch));
        if (kind == Kind.WARM_START || kind == Kind.JOINED_START) {
            p.put("lakebase.embedded.linger", LINGER_SECONDS + "s");
        }
        if (approach.forksEach()) {
            p.put("lakebase.restore-in-place", "false");
        }
        if (approach == Approach.RAW_WAL_LOG) {
            p.put(RawTemplateSuite.STRATEGY_PROPERTY, "WAL_LOG");
        }
        if (!branches.isEmpty()) {
            p.put(BRANCHES_PROPERTY, branches.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        return p;
    }

    /** What the rounds of one cell share: its {@link #id()} without the round. */
    public String key() {
        String name = switch (kind) {
            case PER_TEST -> approach.name();
            case THROUGHPUT, MEMORY -> kind.name() + "-" + approach.name();
            case COLD_START, WARM_START, JOINED_START ->
                kind.name() + (approach == Approach.LAKEBASE ? "" : "-" + approach.name());
        };
        return name.toLowerCase(Locale.ROOT) + "-" + filesystem + "-" + sizeMb + "mb-p" + prefetch + "-w" + workMs
                + (threads > 1 ? "-t" + threads : "") + (forks > 1 ? "-f" + forks : "");
    }

    /** A short, unique name, for file names. */
    public String id() {
        return key() + (round > 1 ? "-r" + round : "");
    }
}
