package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.junit.Branch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain SQL on the embedded server that lakebase-junit starts, for the approaches that do without the
 * library (raw template cloning, Flyway per test, one database for a Spring application): they run on the very same server, data directory
 * and settings as {@code @LakebaseBranch}, so the comparison measures the approach and nothing else.
 * A suite gets the server from a branch of its own, which it otherwise leaves alone.
 *
 * <pre>{@code
 * @LakebaseBranch static Branch server;
 * ...
 * BorrowedServer postgres = new BorrowedServer(server);
 * postgres.execute("CREATE DATABASE scratch");
 * }</pre>
 */
public final class BorrowedServer {

    private final String urlPrefix;
    private final String username;
    private final String password;

    /** The server of {@code branch}, reached with its credentials. */
    public BorrowedServer(Branch branch) {
        String url = branch.jdbcUrl();
        this.urlPrefix = url.substring(0, url.lastIndexOf('/') + 1);
        this.username = branch.username();
        this.password = branch.password();
    }

    /** The JDBC URL of {@code database} on this server. */
    public String url(String database) {
        return urlPrefix + database;
    }

    /** The user to connect as. */
    public String username() {
        return username;
    }

    /** The user's password. */
    public String password() {
        return password;
    }

    /** Opens a connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), username, password);
    }

    /** Runs statements on the maintenance database, one connection for all. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
