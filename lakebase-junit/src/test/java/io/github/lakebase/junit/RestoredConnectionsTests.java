package io.github.lakebase.junit;

import static io.github.lakebase.junit.RestoreInPlaceTests.execute;
import static io.github.lakebase.junit.RestoreInPlaceTests.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.jdbc.AutoSave;

/**
 * A branch restored in place keeps its pool's connections for the test that takes it next: that test's
 * {@code DataSource} hands out sessions already connected (no new backend, its caches warm), but each as a
 * new session would be: no setting, temporary table, lock, prepared statement, channel, role or sequence
 * value of the test before it. Sessions the pool does not hold (a connection of the test's own, open or
 * closed) never let a change through.
 */
@Execution(ExecutionMode.SAME_THREAD) // its fixtures note what they see in static fields
class RestoredConnectionsTests {

    private static final List<Integer> BACKENDS = new ArrayList<>();

    @Test
    void theNextTestGetsTheConnectionsOfARestoredBranchAsNewSessions() {
        Map<String, String> settings = Map.of("lakebase.embedded.max-connections", "49", "lakebase.prefetch", "1");
        RestoreInPlaceTests.readTheBase(SessionTestCase.class, settings, 6);
        BACKENDS.clear();

        Fixtures.assertAllSucceeded(Fixtures.run(SessionTestCase.class, settings), 6);

        assertThat(BACKENDS.size() - new HashSet<>(BACKENDS).size())
                .as("tests whose connection an earlier test had used, on its restored branch: %s", BACKENDS)
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    // A restore that waits for the driver's COPY hangs the run: on a thread of its own, the test fails instead.
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCopyATestLeftUnfinishedNeitherHangsTheRunNorReachesTheNextTest() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        UnfinishedCopyTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "52", "lakebase.prefetch", "1")),
                4);
    }

    @Test
    void connectionsATestOpensItselfNeverCarryItsChangesOver() {
        RestoreInPlaceTests.Recording.clear(OwnConnectionsTestCase.class);

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        OwnConnectionsTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "50", "lakebase.prefetch", "1")),
                6);
    }

    @Test
    void theDataSourceAndBranchOfAnEndedTestGiveNoConnectionThoughItsPoolServesALaterTest() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        EndedTestHandlesTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "51", "lakebase.prefetch", "1")),
                4);
    }

    @Test
    void theDriversOwnPreparedStatementsOutliveTheRestoreOfTheirSession() {
        DriverStatementsTestCase.SEEN.clear();

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        DriverStatementsTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "53", "lakebase.prefetch", "1")),
                6);

        // A warm session is what a pool is for: a test on a restored branch finds the statements the driver
        // prepared for the test before it on that session, as a test on a shared database does.
        List<String> again = DriverStatementsTestCase.SEEN.stream()
                .filter(seen -> seen.startsWith("again"))
                .toList();
        assertThat(again)
                .as("tests on a session an earlier test used: %s", DriverStatementsTestCase.SEEN)
                .isNotEmpty()
                .allSatisfy(seen -> assertThat(seen).endsWith("driver statements kept"));
    }

    @Test
    void aSpareConnectedAheadHasTheReadOfItsRestoresPreparedBeforeItsFirstTest() {
        Map<String, String> settings = Map.of(
                "lakebase.embedded.max-connections", "54", "lakebase.prefetch", "1", "lakebase.pool.maximum-size", "1");
        ReadiedSpareTestCase.PREPARED.clear();

        Fixtures.assertAllSucceeded(Fixtures.run(ReadiedSpareTestCase.class, settings), 2);

        // Its first restore, which the next test may wait for, then finds the statement prepared and the server
        // process's caches filled: a new session's first read of them took about 20 ms, and later ones 1 to 4 ms.
        assertThat(ReadiedSpareTestCase.PREPARED)
                .as("statements of a restore's read prepared on the spare's session before its first test")
                .containsExactly(1L);
    }

    /** A session's own state, as a new session has it: nothing of an earlier test's. */
    static String session(Connection c) throws SQLException {
        return rows(
                c,
                "SELECT current_setting('search_path'), current_setting('statement_timeout'), current_user, "
                        + "current_setting('application_name'), current_setting('extra_float_digits')",
                "SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()",
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
                "SELECT count(*) FROM pg_prepared_statements WHERE from_sql",
                "SELECT count(*) FROM pg_listening_channels()");
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @ExtendWith(RestoreInPlaceTests.Recording.RestoresDone.class)
    static class SessionTestCase extends RestoreInPlaceTests.Recording {

        private static String fresh;

        @Override
        String state(Connection c) throws SQLException {
            return rows(
                    c,
                    "SELECT id, body FROM note ORDER BY id",
                    "SELECT last_value, is_called FROM ticket_seq",
                    "SELECT last_value, is_called FROM note_id_seq");
        }

        /** Checks the session is new, then changes rows, a sequence and the session's state. */
        void run(DataSource dataSource, String test, String... more) throws SQLException {
            try (Connection c = begin(dataSource, test)) {
                BACKENDS.add(c.unwrap(org.postgresql.PGConnection.class).getBackendPID());
                PGConnection driver = c.unwrap(PGConnection.class);
                String now = session(c) + " prepareThreshold=" + driver.getPrepareThreshold() + " fetchSize="
                        + driver.getDefaultFetchSize() + " autosave=" + driver.getAutosave() + " holdability="
                        + c.getHoldability() + " notifications=" + driver.getNotifications().length;
                fresh = fresh == null ? now : fresh;
                assertThat(now).as("the session %s starts with", test).isEqualTo(fresh);
                assertThatThrownBy(() -> execute(c, "SELECT currval('ticket_seq')"))
                        .as("a sequence value of an earlier test's session")
                        .hasMessageContaining("not yet defined in this session");
                execute(
                        c,
                        "INSERT INTO note (body) VALUES ('" + test + "')",
                        "DELETE FROM note WHERE id = 1",
                        "SELECT nextval('ticket_seq')",
                        "SET search_path = pg_catalog, public",
                        "SET statement_timeout = '123s'",
                        "SELECT pg_advisory_lock(7)",
                        "PREPARE mine AS SELECT 1",
                        "PREPARE \"Mine, too\" AS SELECT 2",
                        "SET application_name = 'an earlier test'",
                        "LISTEN news",
                        "NOTIFY news, 'from an earlier test'");
                driver.setPrepareThreshold(1);
                driver.setDefaultFetchSize(7);
                driver.setAutosave(AutoSave.ALWAYS);
                c.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT);
                execute(c, more);
                execute(c, "SET ROLE pg_read_all_data");
                // One more notification, from another session, that reaches this one while it idles in the pool.
                try (Connection other = dataSource.getConnection()) {
                    execute(other, "NOTIFY news, 'while it idles'");
                }
            }
        }

        @Test
        @Order(1)
        void first(DataSource dataSource) throws SQLException {
            run(dataSource, "first");
        }

        @Test
        @Order(2)
        void second(DataSource dataSource) throws SQLException {
            run(dataSource, "second");
        }

        @Test
        @Order(3)
        void third(DataSource dataSource) throws SQLException {
            run(dataSource, "third");
        }

        @Test
        @Order(4)
        void fourth(DataSource dataSource) throws SQLException {
            // A temporary table writes to the catalogs: this branch is dropped, and no test sees the table.
            run(dataSource, "fourth", "CREATE TEMPORARY TABLE scratch (x integer)");
        }

        @Test
        @Order(5)
        void fifth(DataSource dataSource) throws SQLException {
            run(dataSource, "fifth");
        }

        @Test
        @Order(6)
        void sixth(DataSource dataSource) throws SQLException {
            run(dataSource, "sixth");
        }
    }

    /**
     * A first test on a branch forked on demand, slow enough for the spare forked meanwhile to be ready, and a second
     * test that takes the spare, with a pool of one connection: the session opened ahead of it.
     */
    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ReadiedSpareTestCase {

        static final List<Long> PREPARED = new ArrayList<>();

        @Test
        @Order(1)
        void first(DataSource dataSource) throws Exception {
            try (Connection c = dataSource.getConnection()) {
                execute(c, "INSERT INTO note (body) VALUES ('first')");
            }
            // The spare forked meanwhile is ready, and its session readied, when the next test asks.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!spareConnected(dataSource)) {
                assertThat(System.nanoTime()).as("a session on the spare").isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        /**
         * Whether a session is open on a spare of this server: a branch of the run other than this test's (one to be
         * connected ahead is recorded as a test's branch as it is forked).
         */
        private static boolean spareConnected(DataSource dataSource) throws SQLException {
            return Fixtures.count(
                            dataSource,
                            "SELECT count(*) FROM pg_stat_activity a JOIN pg_database d ON d.datname = a.datname"
                                    + " WHERE a.backend_type = 'client backend' AND a.datname <> current_database()"
                                    + " AND shobj_description(d.oid, 'pg_database') ~ ' kind=(spare|branch)$'")
                    > 0;
        }

        @Test
        @Order(2)
        void second(DataSource dataSource, Branch branch) throws Exception {
            assertThat(branch.name()).as("a spare, not the first test's branch").doesNotContain("first");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long prepared = 0;
            while (prepared == 0 && System.nanoTime() < deadline) { // the session is readied in the background
                try (Connection c = dataSource.getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql"
                                + " AND statement LIKE '%pg_stat_get_db_stat_reset_time%'")) {
                    rs.next();
                    prepared = rs.getLong(1);
                }
                Thread.sleep(prepared == 0 ? 50 : 0);
            }
            PREPARED.add(prepared);
        }
    }

    /** Tests that each write a row and run one query often enough for the driver to prepare it on the server. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @Execution(ExecutionMode.SAME_THREAD) // one after the other, so that later tests take restored branches
    @ExtendWith(RestoreInPlaceTests.Recording.RestoresDone.class)
    static class DriverStatementsTestCase extends RestoreInPlaceTests.Recording {

        static final List<String> SEEN = new ArrayList<>();
        private static final List<Integer> USED = new ArrayList<>();
        private static final String QUERY = "SELECT count(*) FROM note WHERE id > ?";

        @Override
        String state(Connection c) throws SQLException {
            return rows(c, "SELECT id, body FROM note ORDER BY id");
        }

        void run(DataSource dataSource, String test) throws SQLException {
            try (Connection c = begin(dataSource, test)) {
                int pid = c.unwrap(PGConnection.class).getBackendPID();
                long prepared;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql "
                                + "AND statement = '" + QUERY.replace("?", "$1") + "'")) {
                    rs.next();
                    prepared = rs.getLong(1);
                }
                synchronized (SEEN) {
                    SEEN.add((USED.contains(pid) ? "again " : "new ") + test + ": "
                            + (prepared > 0 ? "driver statements kept" : "no driver statement"));
                    USED.add(pid);
                }
                execute(c, "INSERT INTO note (body) VALUES ('" + test + "')");
                try (var ps = c.prepareStatement(QUERY)) {
                    for (int i = 0; i < 2 * c.unwrap(PGConnection.class).getPrepareThreshold(); i++) {
                        ps.setLong(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                        }
                    }
                }
            }
        }

        @RepeatedTest(6)
        void runsItsQueries(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            run(dataSource, "test " + repetition.getCurrentRepetition());
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UnfinishedCopyTestCase extends RestoreInPlaceTests.Recording {

        @Override
        String state(Connection c) throws SQLException {
            return rows(c, "SELECT id, body FROM note ORDER BY id");
        }

        @Test
        @Order(1)
        void first(DataSource dataSource) throws SQLException {
            begin(dataSource, "first").close(); // a fork on demand; the spares after it are restored
        }

        @Test
        @Order(2)
        void leavesACopyUnfinished(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "leavesACopyUnfinished")) {
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY note (body) FROM STDIN");
                byte[] row = "copied\n".getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(row, 0, row.length); // neither ended nor cancelled
            }
        }

        @Test
        @Order(3)
        void third(DataSource dataSource) throws SQLException {
            begin(dataSource, "third").close();
        }

        @Test
        @Order(4)
        void fourth(DataSource dataSource) throws SQLException {
            begin(dataSource, "fourth").close();
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class EndedTestHandlesTestCase {

        private static final List<DataSource> ENDED = new ArrayList<>();
        /** The branches of the tests that have ended: a restored one lives on under its name, its pool connected. */
        private static final List<Branch> ENDED_BRANCHES = new ArrayList<>();

        void useAndKeep(DataSource dataSource, Branch branch) throws SQLException {
            for (DataSource ended : ENDED) {
                assertThatThrownBy(ended::getConnection)
                        .as("the DataSource of a test that has ended")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("has been destroyed");
            }
            for (Branch ended : ENDED_BRANCHES) {
                // A thread the test left would otherwise write to the branch a later test has under that name.
                assertThatThrownBy(ended::openConnection)
                        .as("openConnection() of the Branch of a test that has ended")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("has been destroyed")
                        .hasMessageContaining("Branch of the running test");
            }
            try (Connection c = dataSource.getConnection()) {
                execute(c, "UPDATE note SET body = 'changed'");
            }
            ENDED.add(dataSource);
            ENDED_BRANCHES.add(branch);
        }

        @Test
        @Order(1)
        void first(DataSource dataSource, Branch branch) throws SQLException {
            ENDED.clear();
            ENDED_BRANCHES.clear();
            useAndKeep(dataSource, branch);
        }

        @Test
        @Order(2)
        void second(DataSource dataSource, Branch branch) throws SQLException {
            useAndKeep(dataSource, branch);
        }

        @Test
        @Order(3)
        void third(DataSource dataSource, Branch branch) throws SQLException {
            useAndKeep(dataSource, branch);
        }

        @Test
        @Order(4)
        void fourth(DataSource dataSource, Branch branch) throws SQLException {
            useAndKeep(dataSource, branch);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-sessions")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OwnConnectionsTestCase extends RestoreInPlaceTests.Recording {

        /** A connection of the test's own, left open; closed by the last test. */
        private static Connection leftOpen;

        @Override
        String state(Connection c) throws SQLException {
            return rows(c, "SELECT id, body FROM note ORDER BY id", "SELECT last_value, is_called FROM ticket_seq");
        }

        @Test
        @Order(1)
        void writesThroughTheDataSource(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesThroughTheDataSource")) {
                execute(c, "UPDATE note SET body = 'pooled'");
            }
        }

        @Test
        @Order(2)
        void writesOnAConnectionOfItsOwnAndClosesIt(DataSource dataSource, Branch branch) throws SQLException {
            begin(dataSource, "writesOnAConnectionOfItsOwnAndClosesIt").close();
            try (Connection own = DriverManager.getConnection(branch.jdbcUrl(), branch.username(), branch.password())) {
                execute(own, "DELETE FROM note", "SELECT nextval('ticket_seq')");
            }
        }

        @Test
        @Order(3)
        void writesOnOpenConnectionAndClosesIt(DataSource dataSource, Branch branch) throws SQLException {
            begin(dataSource, "writesOnOpenConnectionAndClosesIt").close();
            try (Connection own = branch.openConnection()) {
                execute(own, "INSERT INTO note (body) VALUES ('own')");
            }
        }

        @Test
        @Order(4)
        void writesOnAConnectionOfItsOwnAndLeavesItOpen(DataSource dataSource, Branch branch) throws SQLException {
            begin(dataSource, "writesOnAConnectionOfItsOwnAndLeavesItOpen").close();
            leftOpen = DriverManager.getConnection(branch.jdbcUrl(), branch.username(), branch.password());
            execute(leftOpen, "UPDATE note SET body = 'left open'");
        }

        @Test
        @Order(5)
        void readsWhileThatConnectionIsOpen(DataSource dataSource) throws SQLException {
            begin(dataSource, "readsWhileThatConnectionIsOpen").close();
        }

        @Test
        @Order(6)
        void readsAtTheEnd(DataSource dataSource) throws SQLException, InterruptedException {
            Thread.sleep(1_500); // past the second a restore waits for a session it does not know to end
            begin(dataSource, "readsAtTheEnd").close();
            leftOpen.close();
        }
    }
}
