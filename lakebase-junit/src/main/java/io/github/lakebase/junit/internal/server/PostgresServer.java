package io.github.lakebase.junit.internal.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A PostgreSQL server on which branches are databases cloned from templates: the embedded server,
 * an existing server, or a container.
 */
public interface PostgresServer extends AutoCloseable {

    /** Opens a superuser (or CREATEDB) connection to the maintenance database. */
    Connection connectAdmin() throws SQLException;

    /** The database that administrative connections use. */
    default String maintenanceDatabase() {
        return "postgres";
    }

    /** {@code false} once the server is known to be gone, so that callers need not wait for a timeout. */
    default boolean running() {
        return true;
    }

    /**
     * Whether the server answers: it is {@link #running()}, and a new admin connection runs {@code SELECT 1} within
     * 5 s. A round trip or more; asked after a failure.
     */
    default boolean answers() {
        if (!running()) {
            return false;
        }
        try (Connection c = connectAdmin();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Whether the server is a process the library started on this machine, whose exit {@link #running()}
     * reports: the embedded server; not a server elsewhere, which a network may stand between.
     */
    default boolean ownProcess() {
        return false;
    }

    /**
     * Whether the databases on this server outlive the run in a place that belongs to the library (the
     * embedded server's persistent data directory): then migrated bases are kept for later runs.
     */
    default boolean persistent() {
        return false;
    }

    /** Whether the server and its databases outlive the JVM: not a container's, nor a temporary data directory's. */
    default boolean outlivesJvm() {
        return true;
    }

    /**
     * The bytes free for new databases on the filesystem that holds this server's data, where the library
     * can see it (the embedded server's data directory); empty for a server elsewhere.
     */
    default OptionalLong freeDiskBytes() {
        return OptionalLong.empty();
    }

    /**
     * A directory on the server's machine that the server's process writes files in and reads them from (with
     * {@code COPY}), and this JVM lists and deletes them in: the embedded server's {@code <data
     * directory>/lakebase-junit-rows}, made at the first call. Restores keep the rows of bases there ({@link
     * RowFiles}). Empty for a server the library does not run, whose files are not its own.
     */
    default Optional<Path> rowsDirectory() {
        return Optional.empty();
    }

    /** The JDBC URL of {@code database} on this server. */
    String jdbcUrl(String database);

    /** The user branches are connected as. */
    String username();

    /** That user's password. */
    String password();

    /** A description for logs, without secrets. */
    String describe();

    /** Stops what this object started; a server it did not start stays up. */
    @Override
    void close();
}
