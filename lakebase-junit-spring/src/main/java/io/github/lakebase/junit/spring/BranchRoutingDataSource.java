package io.github.lakebase.junit.spring;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The application's {@code DataSource} in a test with {@code @LakebaseBranch}: every connection comes
 * from the pool of the current test's branch (or, while the context starts, of its staged base).
 */
final class BranchRoutingDataSource extends AbstractDataSource {

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
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target().unwrap(type);
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
