package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.spi.BranchConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The SQL the suite runs on a branch, over a connection of its own each time. */
final class Rows {

    private Rows() {}

    /** Runs {@code sql} on the branch. */
    static void execute(BranchConnection branch, String sql) {
        try (Connection c = branch.open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("On " + branch.jdbcUrl() + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The rows of {@code contract_item} on the branch. */
    static long count(BranchConnection branch) throws SQLException {
        try (Connection c = branch.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM contract_item")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
