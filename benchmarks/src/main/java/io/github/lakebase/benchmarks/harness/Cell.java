package io.github.lakebase.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measurement: an approach on one filesystem at one parent size, with or without prefetching and
 * slow tests, run in a JVM of its own. Startup cells measure the time to the first test instead.
 *
 * <pre>{@code
 * Cell cell = new Cell(Cell.Kind.PER_TEST, Approach.LAKEBASE, "xfs", "/mnt/xfs/cell-3", 100, 0, 0, 20, 5, 40);
 * }</pre>
 *
 * @param kind what is measured
 * @param approach the approach
 * @param filesystem the label of the filesystem
 * @param directory where this cell's data directories go, on that filesystem
 * @param sizeMb megabytes of fill data in the parent
 * @param prefetch {@code lakebase.prefetch}: branches forked ahead ({@code 0} = off)
 * @param workMs how long each test's body takes beyond its database work
 * @param tests how many tests to measure, after one warm-up test
 * @param minimumTests how many always run, time or not
 * @param budgetSeconds after how long no further test starts
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
        long budgetSeconds) {

    /** What a cell measures. */
    public enum Kind {
        /** The cost of each test. */
        PER_TEST,
        /** The time to the first test, on an empty persistent data directory. */
        COLD_START,
        /** The time to the first test, on the data directory a cold start left, with unchanged migrations. */
        WARM_START
    }

    /** The system properties of the JVM that measures this cell. */
    public Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bench.fill-mb", Integer.toString(sizeMb));
        p.put(Workload.WORK_PROPERTY, Long.toString(workMs));
        p.put("bench.data-directory", directory);
        p.put("lakebase.embedded.data-directory", directory + "/lakebase-data");
        p.put("lakebase.prefetch", Integer.toString(prefetch));
        return p;
    }

    /** A short, unique name, for file names. */
    public String id() {
        return (kind == Kind.PER_TEST ? approach.name() : kind.name()).toLowerCase() + "-" + filesystem + "-" + sizeMb
                + "mb-p" + prefetch + "-w" + workMs;
    }
}
