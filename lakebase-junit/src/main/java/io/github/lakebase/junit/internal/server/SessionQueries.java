package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGStatement;

/**
 * The statements a restore runs on a branch's session after every test, each prepared once for the session.
 *
 * <pre>{@code
 * try (PreparedStatement s = SessionQueries.prepared(session, "SELECT ...")) { ... }
 * List<String> pids = SessionQueries.column(session, "COMMIT; SELECT pid FROM ...");
 * }</pre>
 */
final class SessionQueries {

    private SessionQueries() {}

    /**
     * What a query of one column returns, run as a statement the server prepares once for the session: say, of
     * the sessions on the branch other than those that may be, after a restore. Statements that return no rows may
     * come before it, in the same round trip ({@code "COMMIT; SELECT ..."}).
     *
     * @throws SQLException when a statement fails, or none of them is a query
     */
    static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = prepared(c, sql)) {
            boolean rows = s.execute();
            while (!rows && s.getUpdateCount() != -1) { // the results of statements before the query, if any
                rows = s.getMoreResults();
            }
            if (!rows) {
                throw new SQLException("No query among the statements: " + sql);
            }
            try (ResultSet rs = s.getResultSet()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /**
     * {@code sql} as a statement the server prepares at its first run and keeps for the session ({@code
     * prepareThreshold} 1, whatever the connection's URL says): the restore of a branch whose sessions are kept
     * reads the same queries on the same session after every test, and most of their cost is planning them. Its
     * rows come in one piece, whatever fetch size the URL gives: outside auto-commit the driver would read them
     * through a cursor, which a {@code COMMIT} before the query in the same round trip leaves closed.
     */
    static PreparedStatement prepared(Connection c, String sql) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        s.unwrap(PGStatement.class).setPrepareThreshold(1);
        s.setFetchSize(0);
        return s;
    }
}
