package io.github.lakebase.junit.fakes;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real PostgreSQL behind the fake's branches: one embedded server for every fake of the JVM, a
 * database per branch (a template clone, as the {@code embedded} provider makes), and a login role per
 * fake workspace whose password is the fake's database credential.
 *
 * <p>PostgreSQL has one password per role, so every credential of a workspace carries the same token;
 * each credential extends the role's {@code VALID UNTIL} to its expiry, so that a login after the last
 * credential has expired fails, as on Lakebase.
 */
public final class BranchDatabases {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static EmbeddedServer server;

    private BranchDatabases() {}

    /** The server, started on first use and stopped when the JVM exits, after the library's own cleanup. */
    public static synchronized EmbeddedServer server() {
        if (server == null) {
            server = AfterLibraryShutdown.close(EmbeddedServer.start(new EmbeddedServer.Options(
                    null,
                    Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                    Optional.empty(),
                    300,
                    Map.of())));
        }
        return server;
    }

    /** A new, unused database name. */
    public static String newName() {
        return "lbfake_" + SEQUENCE.incrementAndGet();
    }

    /** Creates the login role of a workspace identity; it cannot log in until a credential is issued. */
    public static void createRole(String identity, String token) {
        execute(
                "postgres",
                "CREATE ROLE " + quote(identity) + " LOGIN PASSWORD " + literal(token) + " VALID UNTIL '-infinity'");
    }

    /** Lets the identity log in with its token until {@code until}, unless it may already for longer. */
    public static synchronized void allowLoginUntil(String identity, Instant until, Instant current) {
        if (current == null || until.isAfter(current)) {
            execute("postgres", "ALTER ROLE " + quote(identity) + " VALID UNTIL " + literal(until.toString()));
        }
    }

    /** An empty database owned by the identity, filled by {@code sql} run as the identity. */
    public static void createEmpty(String database, String identity, String sql) {
        execute("postgres", "CREATE DATABASE " + quote(database) + " OWNER " + quote(identity));
        if (!sql.isBlank()) {
            execute(database, "SET ROLE " + quote(identity) + "; " + sql);
        }
    }

    /**
     * Clones {@code source} into a new database. PostgreSQL clones a database only while nobody is connected
     * to it; a session that just closed may take a moment to leave.
     */
    public static void clone(String source, String database, String identity) {
        String sql = "CREATE DATABASE " + quote(database) + " TEMPLATE " + quote(source) + " STRATEGY FILE_COPY OWNER "
                + quote(identity);
        for (int attempt = 0; ; attempt++) {
            try (Connection c = server().connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("SET file_copy_method = clone");
                s.execute(sql);
                return;
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) || attempt >= 50) {
                    throw new IllegalStateException("Could not clone " + source + ": " + e.getMessage(), e);
                }
                sleep(100);
            }
        }
    }

    /** The size of a database on disk, in bytes ({@code pg_database_size}), or -1 when it cannot be read. */
    public static long size(String database) {
        try (Connection c = server().connect("postgres");
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT pg_database_size(" + literal(database) + ")")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -1; // being dropped
        }
    }

    /** Drops a database and ends its sessions. */
    public static void drop(String database) {
        execute("postgres", "DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
    }

    /** Runs SQL as the identity in a database, for tests that change a parent. */
    public static void executeAs(String identity, String database, String sql) {
        execute(database, "SET ROLE " + quote(identity) + "; " + sql);
    }

    private static void execute(String database, String sql) {
        try (Connection c = server().connect(database);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Failed on the fake's server: " + e.getMessage(), e);
        }
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
