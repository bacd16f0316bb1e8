package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A test that forgets its connections, leaves a transaction open or holds a lock neither blocks the
 * drop of its branch nor the next test, and the leak is reported with the test's name.
 */
@Isolated("captures System.err")
class LeakedConnectionsTests {

    static final List<Branch> BRANCHES = new CopyOnWriteArrayList<>();
    static final List<Connection> LEAKED = new CopyOnWriteArrayList<>();
    /** When the leaking test's body ended: the server's start and the migrations come before it. */
    static volatile long leakedAt;

    @Test
    void leaksAreReportedAndNeverBlockTheDropOrTheNextTest() throws Exception {
        BRANCHES.clear();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(tee);
            EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("lakebase.restore-in-place", "false") // the drop, which ends the leaks
                    .selectors(selectClass(LeakingTestCase.class))
                    .execute()
                    .testEvents()
                    .assertStatistics(s -> s.started(2).succeeded(2));
        } finally {
            System.setErr(err);
        }
        long millis = (System.nanoTime() - leakedAt) / 1_000_000; // the drop, the next test and the run's end
        String log = captured.toString(StandardCharsets.UTF_8);
        err.print(log);

        assertThat(millis)
                .as("a leak must not make the drop wait for a timeout")
                .isLessThan(20_000);
        assertThat(log)
                .contains("LeakingTestCase.leaksEverything()")
                .contains("1 borrowed from its DataSource and never closed")
                .contains("2 opened with openConnection() and still open")
                .contains("idle in transaction, holding locks;");
        assertThat(log).doesNotContain("LeakingTestCase.nextTestIsUnaffected() left connections");
        assertThat(BRANCHES)
                .hasSize(2)
                .allSatisfy(b -> assertThat(Fixtures.reachable(b)).isFalse());
        for (Connection c : LEAKED) {
            assertThat(c.isValid(2))
                    .as("a leaked connection ends with its branch")
                    .isFalse();
            c.close();
        }
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LeakingTestCase {

        @Test
        @Order(1)
        void leaksEverything(Branch branch, DataSource dataSource) throws SQLException {
            BRANCHES.add(branch);
            Connection fromPool = dataSource.getConnection();
            fromPool.createStatement().execute("SELECT 1");
            Connection locking = branch.openConnection();
            locking.setAutoCommit(false);
            try (Statement s = locking.createStatement()) {
                s.execute("LOCK TABLE inventory IN ACCESS EXCLUSIVE MODE");
            }
            Connection idle = branch.openConnection();
            LEAKED.addAll(List.of(fromPool, locking, idle));
            leakedAt = System.nanoTime();
        }

        @Test
        @Order(2)
        void nextTestIsUnaffected(Branch branch, DataSource dataSource) throws SQLException {
            BRANCHES.add(branch);
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM inventory");
            }
        }
    }
}
