package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.PersistentDataDirectories;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * 32 concurrent tests with a branch each, on a server that accepts 30 connections in all: they wait
 * for connections instead of failing with "too many clients", nothing deadlocks, no connection is
 * left behind, and no pool thread outlives its branch; also when two runs share the server.
 */
@Execution(ExecutionMode.SAME_THREAD) // the tests count the branches of their own run
class LoadTests {

    static final List<Branch> BRANCHES = new CopyOnWriteArrayList<>();

    @Test
    void thirtyTwoConcurrentTestsOnThirtyConnections() throws Exception {
        BRANCHES.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(
                        "lakebase.embedded.max-connections", "30",
                        "lakebase.pool.maximum-size", "2",
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", "32"))
                .selectors(selectClass(ThirtyTwoTestsTestCase.class))
                .execute();

        Fixtures.assertAllSucceeded(results, 32);
        assertThat(BRANCHES).hasSize(32);
        Branch any = BRANCHES.get(0);
        Map<String, String> sessions = new HashMap<>(); // backend pid -> its database and state
        Map<String, String> spareSessions = new HashMap<>(); // the same, on spares no test has taken yet
        List<String> recordedAsSpares = new ArrayList<>(); // the tests' branches whose comment says spare
        try (Connection c = DriverManager.getConnection(Fixtures.adminUrl(any), any.username(), any.password());
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT a.pid, a.datname, a.state FROM pg_stat_activity a" + " WHERE a.datname LIKE 'lbj_%'")) {
                while (rs.next()) {
                    String database = rs.getString(2);
                    (BRANCHES.stream().anyMatch(b -> b.name().equals(database)) ? sessions : spareSessions)
                            .put(rs.getString(1), database + " " + rs.getString(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database"
                    + " WHERE coalesce(shobj_description(oid, 'pg_database'), '') LIKE '% kind=spare'")) {
                while (rs.next()) {
                    recordedAsSpares.add(rs.getString(1));
                }
            }
        }
        // A spare forked for a next test may be connected ahead of it: one session of its own pool, opening or idle.
        assertThat(spareSessions.values())
                .as("sessions on spares no test has taken")
                .allMatch(session -> session.endsWith(" idle") || session.endsWith(" null"))
                .allMatch(session -> Collections.frequency(spareSessions.values(), session) <= 1);
        assertThat(recordedAsSpares)
                .as("no test's branch is still recorded as a spare")
                .noneMatch(database -> BRANCHES.stream().anyMatch(b -> b.name().equals(database)));
        // A branch restored in place for later tests keeps its name and its pool's idle sessions (at most the pool's
        // two); a dropped one keeps neither, and no test's own connection outlives its test.
        List<Branch> dropped =
                BRANCHES.stream().filter(b -> !Fixtures.reachable(b)).toList();
        assertThat(dropped).as("branches dropped after their tests").isNotEmpty();
        List<String> restored = BRANCHES.stream()
                .filter(b -> !dropped.contains(b))
                .map(b -> b.name() + " idle")
                .toList();
        assertThat(sessions.values())
                .as(
                        "sessions left on branches, other than the idle pooled sessions of a branch restored for later tests")
                .allMatch(restored::contains);
        assertThat(sessions.values().stream().distinct())
                .allMatch(session -> Collections.frequency(sessions.values(), session) <= 2);
        assertThat(Thread.getAllStackTraces().keySet())
                .as("no pool thread outlives its branch")
                .noneMatch(t -> t.isAlive()
                        && dropped.stream().anyMatch(b -> t.getName().startsWith(b.name() + ":")));
    }

    @Test
    void twoRunsSharingOneServerWaitForConnectionsInsteadOfFailing() throws Exception {
        BRANCHES.clear();
        // Not a @TempDir: the server runs on it, and may fork a spare into it, until the JVM exits.
        String dataDirectory =
                PersistentDataDirectories.create("load-").resolve("pgdata").toString();
        // Two configurations, so two services, that share the server of one data directory: each one's budget is
        // what the server had free when it started, so that together they ask for more than the server has.
        CompletableFuture<EngineExecutionResults> first = CompletableFuture.supplyAsync(() -> run(Map.of(
                "lakebase.embedded.data-directory",
                dataDirectory,
                "lakebase.embedded.settings",
                "application_name=a")));
        EngineExecutionResults second = run(Map.of(
                "lakebase.embedded.data-directory", dataDirectory, "lakebase.embedded.settings", "application_name=b"));

        Fixtures.assertAllSucceeded(first.get(), 32);
        Fixtures.assertAllSucceeded(second, 32);
        assertThat(BRANCHES).hasSize(64);
        assertThat(BRANCHES.stream().map(b -> b.jdbcUrl().replace(b.name(), "")).distinct())
                .as("one server")
                .hasSize(1);
    }

    private static EngineExecutionResults run(Map<String, String> configuration) {
        Map<String, String> all = new HashMap<>(configuration);
        all.putAll(Map.of(
                "lakebase.embedded.max-connections", "30",
                "lakebase.pool.maximum-size", "2",
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "32"));
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(all)
                .selectors(selectClass(ThirtyTwoTestsTestCase.class))
                .execute();
    }

    @LakebaseBranch
    static class ThirtyTwoTestsTestCase {
        @RepeatedTest(32)
        void holdsAConnectionForAWhile(Branch branch, DataSource dataSource) throws Exception {
            BRANCHES.add(branch);
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(2)"); // long enough for all 32 to overlap without the budget
                s.execute("DELETE FROM inventory");
            }
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM inventory")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
