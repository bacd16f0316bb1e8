package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.ServerMemory;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.TestBranches;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * What live branches cost: each repetition holds as many branches as the next number of
 * {@value Cell#BRANCHES_PROPERTY}, opens every branch's pool to its default size (each connection runs a
 * query), returns the connections to their pools, and, while all of them are open and idle, measures
 * the server's memory ({@link ServerMemory}: the PSS of the postmaster and its processes) and the JVM's
 * heap after a full collection. The test's own branch is the first; the others are further branches of
 * the same test ({@link TestBranches#current(String)}), dropped with it.
 *
 * <pre>{@code
 * java -Dbench.branches=1,8,32 ... CellMain memory-cell.json result.json
 * }</pre>
 */
@LakebaseBranch(migrations = V1__Fill.LOCATION)
public class MemorySuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(RepetitionInfo repetition, TestReporter reporter) throws Exception {
        int count = counts().get(repetition.getCurrentRepetition() - 1);
        List<Branch> live = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            live.add(TestBranches.current(i == 0 ? "" : "live_" + i).orElseThrow());
        }
        long backend = 0;
        int connections = 0;
        for (Branch branch : live) {
            DataSource pool = branch.dataSource();
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < poolSize(pool); i++) {
                    Connection c = pool.getConnection();
                    open.add(c);
                    backend = query(c);
                }
                connections += open.size();
            } finally {
                for (Connection c : open) {
                    c.close(); // back to the pool, where it stays open and idle
                }
            }
        }
        Thread.sleep(200);
        ServerMemory server = ServerMemory.ofServerOf(backend);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String prefix = Workload.VALUE_PREFIX + "memory." + count + ".";
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put(prefix + "connections", Integer.toString(connections));
        entry.put(prefix + "server-processes", Integer.toString(server.processes()));
        entry.put(prefix + "server-pss-mb", Double.toString(server.pssKb() < 0 ? Double.NaN : server.pssKb() / 1024.0));
        entry.put(prefix + "heap-mb", Double.toString(heap / 1024.0 / 1024.0));
        reporter.publishEntry(entry);
    }

    /** The numbers of live branches to measure, one per repetition. */
    static List<Integer> counts() {
        return Arrays.stream(System.getProperty(Cell.BRANCHES_PROPERTY, "1").split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
    }

    private static int poolSize(DataSource pool) throws SQLException {
        return pool.unwrap(com.zaxxer.hikari.HikariConfigMXBean.class).getMaximumPoolSize();
    }

    /** Uses the connection as a test would, and says which backend serves it. */
    private static long query(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), pg_backend_pid() FROM item")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
