package io.github.lakebase.junit.spring;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The application's {@code DataSource} in a test with {@code @LakebaseBranch}: every connection comes
 * from the pool of the current test's branch (or, while the context starts, of its staged base).
 */
final class BranchRoutingDataSource implements DataSource {

    private final ContextBranches branches;

    BranchRoutingDataSource(ContextBranches branches) {
        this.branches = branches;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("A @LakebaseBranch test's DataSource connects as the branch's own "
                + "user; getConnection(username, password) is not supported.");
    }

    private DataSource target() throws SQLException {
        try {
            return branches.target();
        } catch (IllegalStateException e) {
            throw new SQLException(e.getMessage(), "08003", e);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // connections come from HikariCP pools, which log through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the pools have their own timeouts
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return target().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target().isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "BranchRoutingDataSource[" + branches + "]";
    }
}
