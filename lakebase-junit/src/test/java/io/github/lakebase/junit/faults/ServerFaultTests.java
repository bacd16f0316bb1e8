package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The embedded server dying mid-run: the test that was using it fails with a connection error, and
 * the tests that follow get a new, working server.
 */
class ServerFaultTests {

    static final List<Branch> BRANCHES = new CopyOnWriteArrayList<>();

    @Test
    void aDeadServerIsReplacedForTheTestsThatFollow() {
        BRANCHES.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                // a server of its own, so that killing it touches no other test of this JVM
                .configurationParameter("lakebase.embedded.max-connections", "120")
                .selectors(selectClass(KilledServerTestCase.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        Throwable failure = results.testEvents().failed().stream()
                .findFirst()
                .orElseThrow()
                .getRequiredPayload(TestExecutionResult.class)
                .getThrowable()
                .orElseThrow();
        assertThat(failure).hasMessageContaining("killServer").as("the affected test reports its own failure");
        assertThat(BRANCHES).hasSize(3);
        assertThat(BRANCHES.get(1).jdbcUrl())
                .as("a new server on another port")
                .isNotEqualTo(BRANCHES.get(0)
                        .jdbcUrl()
                        .replace(BRANCHES.get(0).name(), BRANCHES.get(1).name()));
        assertThat(BRANCHES.get(2).jdbcUrl().replace(BRANCHES.get(2).name(), ""))
                .isEqualTo(BRANCHES.get(1).jdbcUrl().replace(BRANCHES.get(1).name(), ""));
    }

    @Test
    void aDeadServerIsReplacedAlsoWhereTheNextTestWouldTakeABranchRestoredWithItsConnections() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("lakebase.embedded.max-connections", "121")
                .selectors(selectClass(KilledAfterRestoresTestCase.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.started(6).succeeded(5).failed(1));
        assertThat(results.testEvents().failed().stream()
                        .findFirst()
                        .orElseThrow()
                        .getRequiredPayload(TestExecutionResult.class)
                        .getThrowable()
                        .orElseThrow())
                .hasMessageContaining("killServer");
    }

    /**
     * Tests that write, so that their branches come back restored with their connections open and are lent again
     * without a round trip to the server; then one that kills the server, and one after it.
     */
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class KilledAfterRestoresTestCase {

        @Order(1)
        @RepeatedTest(4)
        void writes(DataSource dataSource) throws Exception {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO inventory (inventory_code) VALUES ('L000B0000S000000')");
            }
            assertThat(count(dataSource)).isEqualTo(4);
        }

        @Test
        @Order(2)
        void killServer(DataSource dataSource) throws Exception {
            KilledServerTestCase.kill(dataSource);
        }

        @Test
        @Order(3)
        void nextTestGetsAWorkingServer(DataSource dataSource) throws Exception {
            assertThat(count(dataSource)).isEqualTo(3);
        }
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class KilledServerTestCase {

        @Test
        @Order(1)
        void killServer(Branch branch, DataSource dataSource) throws Exception {
            BRANCHES.add(branch);
            kill(dataSource);
        }

        /** Kills the postmaster of the server behind {@code dataSource}, and fails as the server is gone. */
        static void kill(DataSource dataSource) throws Exception {
            long pid;
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW data_directory")) {
                rs.next();
                pid = Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid"))
                        .get(0)
                        .trim());
            }
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get();
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            } catch (Exception e) {
                throw new AssertionError("killServer: the server is gone, as this test intended", e);
            }
        }

        @Test
        @Order(2)
        void nextTestGetsAWorkingServer(Branch branch, DataSource dataSource) throws Exception {
            BRANCHES.add(branch);
            assertThat(count(dataSource)).isEqualTo(3);
        }

        @Test
        @Order(3)
        void andTheOneAfter(Branch branch) {
            BRANCHES.add(branch);
        }
    }

    /** The rows of the migration's {@code inventory} table on the branch behind {@code dataSource}. */
    static int count(DataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM inventory")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
