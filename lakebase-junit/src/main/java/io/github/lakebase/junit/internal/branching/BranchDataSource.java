package io.github.lakebase.junit.internal.branching;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The {@code DataSource} a test gets for its branch: the branch's pool while the branch is the test's, and
 * no connection once the test has ended, also when the pool lives on, connected, for a later test that
 * takes the branch restored in place. A {@code DataSource} kept past its test (in a static field, say) so
 * fails instead of reaching another test's data.
 *
 * <pre>{@code
 * DataSource dataSource = new BranchDataSource(branch::pool, branch.name());
 * }</pre>
 */
final class BranchDataSource implements DataSource {

    /** The pool of a branch while its test runs. */
    @FunctionalInterface
    interface Pool {
        /**
         * The pool.
         *
         * @throws SQLException when the branch's test has ended
         */
        DataSource current() throws SQLException;
    }

    private final Pool pool;
    private final String name;

    /**
     * @param pool the branch's pool, while its test runs
     * @param name the branch's name, for messages
     */
    BranchDataSource(Pool pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    private DataSource pool() throws SQLException {
        return pool.current();
    }

    /** A check that a branch's test still runs. */
    @FunctionalInterface
    interface Running {
        /** @throws SQLException when the branch's test has ended */
        void check() throws SQLException;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return unlessEnded(pool().getConnection(), this::pool);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return unlessEnded(pool().getConnection(username, password), this::pool);
    }

    /**
     * {@code obtained}, unless the branch's test ended while it was obtained (a wait for a free connection, of the pool
     * or of the run's budget): the branch may then serve a later test under its name, restored in place. The
     * connection is closed (handed back), having run nothing, and the caller gets the exception of an ended test.
     *
     * @throws SQLException what {@code running} throws once the test has ended
     */
    static Connection unlessEnded(Connection obtained, Running running) throws SQLException {
        try {
            running.check();
            return obtained;
        } catch (SQLException e) {
            obtained.close();
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool().getLoginTimeout();
    }

    /** Not used: HikariCP logs through SLF4J. */
    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("The branch's pool logs through SLF4J");
    }

    /** This, or what the pool unwraps to (HikariCP's {@code HikariDataSource}). */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool().isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "BranchDataSource[" + name + "]";
    }
}
