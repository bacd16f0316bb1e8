package io.github.lakebase.benchmarks.harness;

import io.github.lakebase.benchmarks.migration.V1__Fill;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.TestReporter;

/**
 * The body of every measured test, the same for every approach: connect, check that the database is
 * fresh ({@value V1__Fill#ITEMS} items), delete them all (so the next test needs a fresh database
 * again), then optionally stand for a slow test by sleeping {@value #WORK_PROPERTY} milliseconds.
 * It publishes when it started and how long it slept as a report entry, which {@link TimingListener}
 * reads.
 *
 * <pre>{@code
 * @RepeatedTest(Workload.REPETITIONS)
 * void test(DataSource dataSource, TestReporter reporter) throws Exception {
 *     Workload.run(dataSource::getConnection, reporter);
 * }
 * }</pre>
 */
public final class Workload {

    /** How often a suite's test may repeat; the harness selects as many repetitions as it measures. */
    public static final int REPETITIONS = 10_000;
    /** The system property with the time a test's body spends after its database work (ms). */
    public static final String WORK_PROPERTY = "bench.work-ms";
    /**
     * The prefix of report entries that carry a measurement besides times (a number, under the rest of the
     * key): the harness keeps them in the cell's {@link CellResult#values()}.
     */
    public static final String VALUE_PREFIX = "bench.value.";
    /** What the failure of a test says when it did not find a fresh database. */
    public static final String NOT_ISOLATED = "this approach did not give the test a database of its own";

    static final String BODY_START = "bench.body-start-ns";
    static final String BODY_START_WALL = "bench.body-start-wall-ms";
    static final String BODY_END = "bench.body-end-ns";
    static final String WORK = "bench.work-ns";
    static final String DATABASE_BYTES = "bench.database-bytes";
    static final String SERVER_VERSION = "bench.server-version";
    private static final AtomicBoolean SIZE_REPORTED = new AtomicBoolean();

    private Workload() {}

    /** Opens a connection to the test's database. */
    @FunctionalInterface
    public interface ConnectionSupplier {
        Connection get() throws SQLException;
    }

    /**
     * Runs the test body on the test's database.
     *
     * @param connections opens a connection to the test's database
     * @param reporter where the timings go
     * @throws SQLException when the database fails
     * @throws InterruptedException when interrupted while standing for a slow test
     */
    public static void run(ConnectionSupplier connections, TestReporter reporter)
            throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long startWall = System.currentTimeMillis();
        Map<String, String> entry = new LinkedHashMap<>();
        try (Connection c = connections.get();
                Statement s = c.createStatement()) {
            long items = count(s, "SELECT count(*) FROM item");
            if (items != V1__Fill.ITEMS) {
                throw new AssertionError("Expected a fresh database with " + V1__Fill.ITEMS + " items, found " + items
                        + ": " + NOT_ISOLATED);
            }
            s.executeUpdate("DELETE FROM item");
            if (SIZE_REPORTED.compareAndSet(false, true)) {
                entry.put(DATABASE_BYTES, Long.toString(count(s, "SELECT pg_database_size(current_database())")));
                try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                    rs.next();
                    entry.put(SERVER_VERSION, rs.getString(1));
                }
            }
        }
        long work = Long.getLong(WORK_PROPERTY, 0L);
        long slept = 0;
        if (work > 0) {
            long sleepStart = System.nanoTime();
            Thread.sleep(work);
            slept = System.nanoTime() - sleepStart;
        }
        report(reporter, start, startWall, slept, entry);
    }

    /**
     * Publishes when a test's body started, for a suite whose body is not {@link #run}, such as a Spring
     * repository test's.
     *
     * @param reporter the test's reporter
     * @param start {@link System#nanoTime()} when the body started
     * @param startWall {@link System#currentTimeMillis()} when the body started
     */
    public static void report(TestReporter reporter, long start, long startWall) {
        report(reporter, start, startWall, 0, new LinkedHashMap<>());
    }

    private static void report(
            TestReporter reporter, long start, long startWall, long slept, Map<String, String> entry) {
        entry.put(BODY_START, Long.toString(start));
        entry.put(BODY_START_WALL, Long.toString(startWall));
        entry.put(BODY_END, Long.toString(System.nanoTime()));
        entry.put(WORK, Long.toString(slept));
        reporter.publishEntry(entry);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
