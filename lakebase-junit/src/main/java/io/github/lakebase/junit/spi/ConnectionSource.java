package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apiguardian.api.API;

/**
 * Connections from a function, as the {@link DataSource} a HikariCP pool draws its physical
 * connections from: so that a pool connects exactly as the rest of the library does, and within
 * the run's connection budget. It honours the login timeout its pool sets ({@link #setLoginTimeout}, which
 * HikariCP derives from its connection timeout): a connection not opened by then is given up (and closed
 * should it open later), since the PostgreSQL driver sets no limit on a login that never ends (a stopped
 * server process, a tunnel whose far end is gone).
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

    /** Open connections under a login timeout, so that one that never ends can be given up. */
    private static final Executor OPENERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "lakebase-junit-connect");
        thread.setDaemon(true);
        return thread;
    });

    private final Opener opener;
    private volatile int loginTimeout;
    private final AtomicReference<SQLException> lastFailure = new AtomicReference<>();

    /**
     * A {@code DataSource} whose every connection comes from {@code opener}.
     *
     * @param opener opens each new physical connection
     */
    public ConnectionSource(Opener opener) {
        this.opener = opener;
    }

    /**
     * Opens a connection with the opener, within the login timeout when one is set.
     *
     * @throws SQLException the opener's, or SQLSTATE {@code 08001} when the login timeout ran out
     */
    @Override
    public Connection getConnection() throws SQLException {
        try {
            Connection opened = open();
            lastFailure.set(null);
            return opened;
        } catch (SQLException e) {
            lastFailure.set(e);
            throw e;
        }
    }

    /**
     * Why the last connection this source tried to open could not be opened, until one opens: whether a pool
     * that waits for a connection waits because the server refuses new ones, or because all are in use.
     *
     * @return the last failure, or empty when the last attempt succeeded or none was made
     */
    public Optional<SQLException> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    private Connection open() throws SQLException {
        int seconds = loginTimeout;
        if (seconds <= 0) {
            return opener.open();
        }
        CompletableFuture<Connection> attempt = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return opener.open();
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                },
                OPENERS);
        try {
            return attempt.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            attempt.thenAccept(ConnectionSource::closeQuietly); // should the login end after all
            throw new SQLException(
                    "No connection was opened within the login timeout of " + seconds + " s", "08001", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException failed
                    ? failed
                    : new SQLException("Could not connect: " + e.getCause(), "08001", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempt.thenAccept(ConnectionSource::closeQuietly);
            throw new SQLException("Interrupted while connecting", "08001", e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // a connection nobody waits for any more
        }
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
