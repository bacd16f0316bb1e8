package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;

/**
 * The comment that records a database as the library's: the run that created it and what it is for, for
 * example {@code lakebase-junit run=k3x9a1b kind=branch}. A sweep drops only what such a comment names as a
 * dead run's; a tool that damages data on purpose writes only to what it names as a test branch of this run.
 *
 * <pre>{@code
 * Ownership ownership = new Ownership("k3x9a1b");
 * admin.execute("COMMENT ON DATABASE " + AdminSql.quote(name) + " IS " + ownership.literal("branch"));
 * }</pre>
 *
 * @param runId this run's id
 */
record Ownership(String runId) {

    /** What every comment of the library starts with. */
    static final String MARKER = "lakebase-junit";

    /** The comment of a database of this run, of {@code kind}. */
    String comment(String kind) {
        return new LibraryComment(runId, kind.toLowerCase(Locale.ROOT), Map.of()).text();
    }

    /** {@link #comment(String)} as an SQL literal. */
    String literal(String kind) {
        return AdminSql.literal(comment(kind));
    }

    /**
     * Fails unless {@code connection} leads to {@code name} and the database's comment marks it as a test
     * branch of this run.
     *
     * @param server the server, for messages
     */
    void requireTestBranch(String name, Connection connection, String server) {
        String expected = comment("branch");
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d "
                                + "WHERE d.datname = current_database()")) {
            rs.next();
            String database = rs.getString(1);
            String comment = rs.getString(2);
            if (!name.equals(database)) {
                throw new ProviderException(
                        "Refusing to modify the database '" + database + "': the connection "
                                + "was expected to lead to the branch '" + name + "'.",
                        null);
            }
            if (!expected.equals(comment)) {
                throw new ProviderException(
                        "Refusing to modify the database '" + database + "': its comment (" + comment
                                + ") does not mark it as a test branch of run " + runId + ".",
                        null);
            }
        } catch (SQLException e) {
            throw new ProviderException(
                    "Could not check that '" + name + "' is a test branch on " + server + ": " + e.getMessage(), e);
        }
    }
}
