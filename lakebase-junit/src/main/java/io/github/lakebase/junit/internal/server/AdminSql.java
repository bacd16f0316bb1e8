package io.github.lakebase.junit.internal.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.ConnectionSource;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Administrative SQL on one PostgreSQL server: a small pool of admin connections, so that creating and
 * dropping databases pays no login, and the statements the server providers, their base cache and their
 * sweep of dead runs share.
 *
 * <pre>{@code
 * AdminSql admin = new AdminSql(server, 18);
 * admin.execute("ALTER DATABASE " + AdminSql.quote(name) + " WITH ALLOW_CONNECTIONS false");
 * List<String[]> rows = admin.rows("SELECT datname FROM pg_database WHERE datname LIKE ?", "lbj_%");
 * }</pre>
 *
 * <p>Thread-safe. Every method that fails throws {@link ProviderException} with the server and statement.
 */
final class AdminSql implements AutoCloseable {

    /** How many admin connections are pooled. */
    static final int POOL_SIZE = 6;

    private final PostgresServer server;
    private final int majorVersion;
    private final HikariDataSource pool;
    /** Where the pool's connections come from, and why the last one could not be opened. */
    private final ConnectionSource source;

    /** How long a new admin connection may take to open before the server counts as not accepting any. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    AdminSql(PostgresServer server, int majorVersion) {
        this(server, majorVersion, CONNECTION_TIMEOUT);
    }

    AdminSql(PostgresServer server, int majorVersion, Duration connectionTimeout) {
        this.server = server;
        this.majorVersion = majorVersion;
        HikariConfig config = new HikariConfig();
        config.setPoolName("lakebase-admin");
        this.source = new ConnectionSource(server::connectAdmin);
        config.setDataSource(source);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        if (server.ownProcess()) {
            // No background keepalive (HikariCP pings idle connections every 2 minutes by default): no firewall stands
            // between the library and a server process it started, connection() asks whether that process still runs
            // before it borrows, and HikariCP tests a connection idle for over 500 ms as it lends it; so a keepalive
            // could only report, minutes later on a pool thread, that another JVM or a deleted data directory had
            // stopped the server. A server elsewhere keeps it: it keeps idle connections through NATs and firewalls.
            config.setKeepaliveTime(0);
        }
        if (majorVersion >= 18) {
            config.setConnectionInitSql("SET file_copy_method = clone");
        }
        this.pool = new HikariDataSource(config);
        // The pool opens its first connection when first asked, on the asker's path: the sweep's, as a run starts.
        // Opened now, beside the provider's own set-up, it is ready by then (about 35 ms sooner to a warm start's
        // first test, on a 2-core machine).
        DaemonThreads.named("lakebase-admin-warm-up")
                .newThread(() -> {
                    try {
                        pool.getConnection().close(); // handed back at once: the pool keeps it open
                    } catch (SQLException | RuntimeException e) {
                        // the server is not up, or the pool closed: the first asker meets it
                    }
                })
                .start();
    }

    /** The server's major version, for statements that differ between versions. */
    int majorVersion() {
        return majorVersion;
    }

    /**
     * A pooled admin connection. While none is free the caller waits its turn, however long: while all
     * {@link #POOL_SIZE} are in use, and while the pool is still opening them. It fails after the connection
     * timeout when the last connection the pool tried to open could not be opened (the server refused it, or did
     * not answer within the pool's login timeout, about the connection timeout), with that reason, and at once
     * when the server is gone.
     */
    Connection connection() throws SQLException {
        while (true) {
            if (!server.running()) {
                throw new SQLException("The server process has exited", "08006");
            }
            try {
                return pool.getConnection();
            } catch (SQLTransientConnectionException e) {
                // The pool's own record of failures would not do: it also counts an idle connection found dead as
                // it was lent, which the pool replaces while the caller waits.
                Optional<SQLException> refused = source.lastFailure();
                if (refused.isEmpty() || full()) {
                    continue;
                }
                throw new SQLException(
                        e.getMessage() + ": " + refused.get().getMessage(),
                        refused.get().getSQLState(),
                        e);
            }
        }
    }

    private boolean full() {
        HikariPoolMXBean state = pool.getHikariPoolMXBean();
        return state != null && state.getTotalConnections() >= POOL_SIZE;
    }

    /** A new admin connection of its own, outside the pool, for a session-level lock. */
    Connection dedicatedConnection() throws SQLException {
        return server.connectAdmin();
    }

    /**
     * What the server leaves for this run's branches: {@code max_connections}, less the slots reserved
     * for superusers, the sessions already there (other clients, other runs), this provider's own
     * admin pool and a margin for migrations and parent builds.
     */
    static int connectionLimit(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int "
                                + "- (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int")) {
            rs.next();
            return Math.max(2, rs.getInt(1) - POOL_SIZE - 4);
        }
    }

    /**
     * Drops a database, template or not, ending its sessions; also one that an interrupted drop left invalid
     * ({@code datconnlimit = -2}), on which PostgreSQL refuses every {@code ALTER DATABASE} but {@code DROP}.
     */
    void dropDatabase(String name) {
        try (Connection c = connection()) {
            dropDatabase(c, name);
        } catch (SQLException e) {
            throw new ProviderException(
                    "Could not drop " + name + " on " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #dropDatabase(String)} on {@code c}, an admin connection the caller holds already, in auto-commit.
     *
     * @throws ProviderException when the server refuses
     */
    void dropDatabase(Connection c, String name) {
        boolean template = !rows(
                        c,
                        "SELECT datname FROM pg_database WHERE datname = ? AND datistemplate AND datconnlimit <> -2",
                        name)
                .isEmpty();
        String sql = "ALTER DATABASE " + quote(name) + " WITH IS_TEMPLATE false";
        try (Statement s = c.createStatement()) {
            if (template) {
                s.execute(sql);
            }
            sql = "DROP DATABASE IF EXISTS " + quote(name) + (majorVersion >= 13 ? " WITH (FORCE)" : "");
            s.execute(sql);
        } catch (SQLException e) {
            throw new ProviderException("Failed on " + server.describe() + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs one or more statements. */
    void execute(String sql) {
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new ProviderException("Failed on " + server.describe() + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the rows of a query with one parameter. */
    List<String> query(String sql, String parameter) {
        return rows(sql, parameter).stream().map(row -> row[0]).toList();
    }

    /** The rows of a query with one parameter, each as its columns' text. */
    List<String[]> rows(String sql, String parameter) {
        try (Connection c = connection()) {
            return rows(c, sql, parameter);
        } catch (SQLException e) {
            throw new ProviderException("Could not query " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    /** {@link #rows(String, String)} on {@code c}, an admin connection the caller holds already. */
    List<String[]> rows(Connection c, String sql, String parameter) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            List<String[]> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    result.add(row);
                }
            }
            return result;
        } catch (SQLException e) {
            throw new ProviderException("Could not query " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    /** {@code identifier} quoted for SQL, whatever it holds. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code value} as an SQL string literal. */
    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** The server, for messages. */
    String describe() {
        return server.describe();
    }

    @Override
    public void close() {
        pool.close();
    }
}
