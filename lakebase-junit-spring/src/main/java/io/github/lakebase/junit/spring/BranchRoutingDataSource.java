package io.github.lakebase.junit.spring;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * An application's {@code DataSource} bean in a test with {@code @LakebaseBranch}: every connection
 * comes from the pool of the current test's branch for that bean (or, while the context starts, of the
 * bean's staged base).
 */
final class BranchRoutingDataSource extends AbstractDataSource {

    private final BeanRoute route;

    BranchRoutingDataSource(BeanRoute route) {
        this.route = route;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return route.getConnection();
        } catch (IllegalStateException e) {
            throw new SQLException(e.getMessage(), "08003", e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("A @LakebaseBranch test's DataSource connects as the branch's own "
                + "user; getConnection(username, password) is not supported.");
    }

    private DataSource target() throws SQLException {
        try {
            return route.target();
        } catch (IllegalStateException e) {
            throw new SQLException(e.getMessage(), "08003", e);
        }
    }

    /** The branch's pool has its own timeouts: a pool setting bound to the bean (Boot's hikari.*) is ignored. */
    @Override
    public void setLoginTimeout(int timeout) {
        // ignored
    }

    @Override
    public void setLogWriter(PrintWriter pw) {
        // ignored
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
        return "BranchRoutingDataSource[" + route + "]";
    }
}
