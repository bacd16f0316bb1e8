package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apiguardian.api.API;

/**
 * Connections from a function, as the {@link DataSource} a HikariCP pool draws its physical
 * connections from: so that a pool connects exactly as the rest of the library does, and within
 * the run's connection budget.
 *
 * <pre>{@code
 * HikariConfig config = new HikariConfig();
 * config.setDataSource(new ConnectionSource(server::connectAdmin));
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ConnectionSource implements DataSource {

    /** Opens a connection. */
    @FunctionalInterface
    public interface Opener {
        /**
         * Opens a new physical connection.
         *
         * @return the connection, which the caller closes
         * @throws SQLException when it cannot be opened
         */
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private int loginTimeout;

    /**
     * A {@code DataSource} whose every connection comes from {@code opener}.
     *
     * @param opener opens each new physical connection
     */
    public ConnectionSource(Opener opener) {
        this.opener = opener;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return opener.open();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("The credentials of these connections are fixed");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
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
        throw new SQLException("Not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
