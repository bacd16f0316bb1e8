package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.AutoSave;

/**
 * What a restore with its branch's connections kept open ({@link BranchRestores#restoreConnected}) does to those
 * sessions: resets each as new, and tells whether sessions other than them are on the branch.
 *
 * <pre>{@code
 * String others = KeptSessions.othersQuery(pids);
 * boolean othersOn = KeptSessions.reset(session, others);
 * KeptSessions.resetDriver(session, initial);
 * }</pre>
 */
final class KeptSessions {

    private KeptSessions() {}

    /**
     * What {@code DISCARD ALL} does, as the statements the PostgreSQL documentation gives as its equivalent (<a
     * href="https://www.postgresql.org/docs/current/sql-discard.html">DISCARD</a>), which unlike it may run in
     * one query string, with the request that the session report its writes, which a restore reads: one round
     * trip. Two differences, so that the next test does not parse and plan its queries again. Of the prepared
     * statements, those made with SQL {@code PREPARE} go ({@code from_sql} in <a
     * href="https://www.postgresql.org/docs/current/view-pg-prepared-statements.html">pg_prepared_statements</a>),
     * and those the driver prepared for itself stay, as in any pool's session. And cached plans stay ({@code
     * DISCARD PLANS} is left out): a plan is not something a test can see, and PostgreSQL plans a statement
     * again when what it reads changes (a table truncated, a setting of the planner reset). The driver goes on
     * using its statements: it drops them only on seeing {@code DEALLOCATE ALL} or {@code DISCARD ALL}, and the
     * schema is the base's as before. The statements made with {@code PREPARE} are listed, and deallocated in a
     * second round trip when there are any. The reset is itself prepared once for the session, as the driver's
     * statements are: in the benchmark's Spring cell, its query of {@code pg_prepared_statements} took the server
     * 86 µs a restore when planned each time, and 35 µs prepared.
     */
    static final String RESET = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; "
            + "SELECT quote_ident(name) FROM pg_prepared_statements WHERE from_sql; "
            + "UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES; "
            + "SELECT pg_stat_force_next_flush()";

    /**
     * Runs {@link #RESET} on {@code session}, and {@code others} after it in the same round trip, and deallocates
     * the statements a test made with {@code PREPARE}.
     *
     * @param others a query of the sessions on the branch other than its pool's ({@link #othersQuery}), or null
     * @return whether {@code others} found any; true when it was not run
     */
    static boolean reset(Connection session, String others) throws SQLException {
        List<String> prepared = new ArrayList<>();
        boolean othersOn = true;
        try (PreparedStatement s = SessionQueries.prepared(session, others == null ? RESET : RESET + "; " + others)) {
            boolean rows = s.execute();
            for (int i = 0; !rows && i < 3; i++) { // the results of CLOSE, SET and RESET come first
                rows = s.getMoreResults();
            }
            if (!rows) {
                throw new SQLException("The reset of a session did not list its prepared statements");
            }
            try (ResultSet rs = s.getResultSet()) {
                while (rs.next()) {
                    prepared.add("DEALLOCATE " + rs.getString(1));
                }
            }
            if (others != null) {
                Boolean found = null;
                while (s.getMoreResults() || s.getUpdateCount() != -1) {
                    ResultSet rs = s.getResultSet();
                    if (rs != null) {
                        try (rs) {
                            found = rs.next(); // the query of the other sessions comes last
                        }
                    }
                }
                if (found == null) {
                    throw new SQLException("The reset of a session did not list the other sessions");
                }
                othersOn = found;
            }
        }
        if (!prepared.isEmpty()) {
            try (Statement s = session.createStatement()) {
                s.execute(String.join("; ", prepared));
            }
        }
        return othersOn;
    }

    /**
     * Puts back what the driver keeps of a session (its settings of a connection, the notifications it has not
     * handed out) to what the branch's URL gives a new connection; HikariCP resets the rest (auto-commit,
     * isolation, read-only, catalog, schema, network timeout).
     *
     * <p>The notifications are taken from the driver's queue only. The reset's {@code UNLISTEN *} has committed,
     * so the server sends the session no more (<a href="https://www.postgresql.org/docs/current/sql-unlisten.html"
     * >UNLISTEN</a>), and the driver queued every one it had sent before while it read the reset's results, which
     * come after them on the socket. {@code PGConnection.getNotifications()} would also look at the socket, which
     * waits a millisecond when nothing is there (pgjdbc's {@code PGStream.hasMessagePending}): at every restore.
     */
    static void resetDriver(Connection session, Properties initial) throws SQLException {
        PGConnection driver = session.unwrap(PGConnection.class);
        session.unwrap(BaseConnection.class).getQueryExecutor().getNotifications();
        driver.setPrepareThreshold(PGProperty.PREPARE_THRESHOLD.getInt(initial));
        driver.setDefaultFetchSize(PGProperty.DEFAULT_ROW_FETCH_SIZE.getInt(initial));
        driver.setAutosave(AutoSave.of(PGProperty.AUTOSAVE.getOrDefault(initial)));
        session.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
    }

    /**
     * The query of the sessions on a branch other than {@code pids}, autovacuum's aside (they write no rows): the
     * same text after every test of a pool (its pids in order), so that the server prepares it once for the session.
     */
    static String othersQuery(List<Integer> pids) {
        return "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type "
                + "<> 'autovacuum worker' AND pid NOT IN ("
                + pids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }

    /** Waits, for at most a second, until {@code others} ({@link #othersQuery}) finds no session on the branch. */
    static boolean awaitOnly(Connection c, String others) throws SQLException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!SessionQueries.column(c, others).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
