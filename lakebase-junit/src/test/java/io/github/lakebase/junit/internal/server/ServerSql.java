package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQL that tests of restores run on a {@link TemporaryServer}: statements, one column's rows, ended sessions. */
final class ServerSql {

    private ServerSql() {}

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of what {@code sql} returns, as text. */
    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** Waits, at most 5 s, until no session is on {@code database}: a session's writes are counted as it ends. */
    static void awaitNoSession(EmbeddedServer server, String database) throws Exception {
        try (Connection admin = server.connect("postgres")) {
            for (int i = 0; i < 500; i++) {
                if (rows(admin, "SELECT pid FROM pg_stat_activity WHERE datname = '" + database + "'")
                        .isEmpty()) {
                    return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("The sessions on " + database + " did not end");
    }
}
