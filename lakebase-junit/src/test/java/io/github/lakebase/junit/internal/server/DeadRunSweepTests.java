package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.spi.BranchNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.postgresql.PGConnection;

/**
 * The sweep of what dead runs left goes on past a database it cannot handle the usual way, on a server of
 * its own (a sweep takes every dead run's branches on its server). Its tests run one after the other: each one's
 * sweep would take the databases another one made for its own sweep to find.
 */
@Execution(ExecutionMode.SAME_THREAD)
class DeadRunSweepTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(40).withProvider("sweeptests");

    @Test
    void aSweepDropsAnInvalidDatabaseThatAnInterruptedDropLeftAndGoesOnToTheNext() throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement()) {
            for (String name : new String[] {"lbj_deadinvalid_1_test", "lbj_deadinvalid_2_test"}) {
                s.execute("CREATE DATABASE " + name);
                s.execute("COMMENT ON DATABASE " + name + " IS 'lakebase-junit run=deadinvalid kind=branch'");
            }
            // What PostgreSQL leaves of a database whose DROP DATABASE was interrupted: datconnlimit -2, "invalid".
            s.execute("UPDATE pg_database SET datconnlimit = -2 WHERE datname = 'lbj_deadinvalid_1_test'");
        }

        assertThat(SERVER.provider().sweep()).contains("lbj_deadinvalid_1_test", "lbj_deadinvalid_2_test");

        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'lbj\\_deadinvalid\\_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aSweepHoldsOneAdminConnectionAtATime() throws Exception {
        // A warm start asks the admin pool for connections from several threads at once (the sweep, the base's
        // lookup, the pool's own warm-up) while HikariCP opens them one at a time: each one the sweep holds is one
        // the first test waits for.
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE lbj_deadonepool_1_test");
            s.execute("COMMENT ON DATABASE lbj_deadonepool_1_test IS 'lakebase-junit run=deadonepool kind=branch'");
        }
        try (AdminSql admin = new AdminSql(TestServers.existingServer(SERVER.get()), 18)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < AdminSql.POOL_SIZE - 1; i++) {
                held.add(admin.connection());
            }
            try {
                CompletableFuture<List<String>> swept = CompletableFuture.supplyAsync(
                        () -> DeadRuns.sweep(admin, "thisrun", new BranchNames("lbj_", "thisrun")));

                assertThat(swept.get(30, TimeUnit.SECONDS))
                        .as("swept with the one admin connection left")
                        .contains("lbj_deadonepool_1_test");
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aRunThatLetsGoOfItsLocksIsDeadAlthoughItsSessionIsStillOpen() throws Exception {
        try (Connection session = SERVER.get().connect("postgres")) {
            int pid = session.unwrap(PGConnection.class).getBackendPID();
            DeadRuns.proveAlive(session, "releasing");
            assertThat(advisoryLocksOf(pid)).as("the run's lock").isEqualTo(1);

            DeadRuns.release(session);

            assertThat(advisoryLocksOf(pid)).as("before its session closes").isZero();
        }
    }

    private static int advisoryLocksOf(int pid) throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = " + pid)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
