package io.github.lakebase.junit.internal.branching;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains a migration that failed on an object of the whole PostgreSQL server rather than of one database: a
 * role, a tablespace or a database that exists already. Every base the library builds on a server (for another
 * parent, other migrations or other Flyway settings) and every run on a kept data directory shares them, so a
 * statement that creates one must be able to run twice.
 *
 * <pre>{@code
 * String hint = ClusterObjects.explain(flywayException).orElse("");
 * }</pre>
 */
final class ClusterObjects {

    /** SQLSTATE duplicate_object (a role, a tablespace). */
    private static final String DUPLICATE_OBJECT = "42710";

    /** SQLSTATE duplicate_database. */
    private static final String DUPLICATE_DATABASE = "42P04";

    private static final Pattern EXISTS = Pattern.compile("(role|tablespace|database) \"([^\"]+)\" already exists");

    private ClusterObjects() {}

    /** What to tell the user when {@code failure} was caused by a server-wide object that exists already. */
    static Optional<String> explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e
                    && (DUPLICATE_OBJECT.equals(e.getSQLState()) || DUPLICATE_DATABASE.equals(e.getSQLState()))
                    && e.getMessage() != null) {
                Matcher m = EXISTS.matcher(e.getMessage());
                if (m.find()) {
                    return Optional.of(explain(m.group(1), m.group(2)));
                }
            }
        }
        return Optional.empty();
    }

    private static String explain(String kind, String name) {
        String shared = "The " + kind + " \"" + name + "\" exists already. " + capitalized(kind) + "s belong to the "
                + "whole PostgreSQL server, not to one database: every base built on this server (for another parent, "
                + "other migrations or other Flyway settings) sees the " + kind + "s an earlier base created, and so "
                + "does a later run on a kept data directory. (Only a base whose locations extend another's, such "
                + "as {\"db/migration\", \"db/next\"} after {\"db/migration\"}, is built from that base and runs "
                + "them once.)";
        if (kind.equals("role")) {
            String quoted = name.replace("'", "''");
            String identifier = name.matches("[a-z_][a-z0-9_$]*") ? name : '"' + name.replace("\"", "\"\"") + '"';
            return shared + " Write the statement so that it can run "
                    + "twice:\n    DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + quoted
                    + "') THEN CREATE ROLE " + identifier + "; END IF; END $$;\n(with the options of your CREATE ROLE "
                    + "or CREATE USER after the name, and its GRANTs after the block: they run twice as they are).";
        }
        return shared + " A " + kind + " cannot be created inside a transaction or a DO block: create it where the "
                + "server is set up (or in a parent's script), and let the migrations use it.";
    }

    private static String capitalized(String kind) {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }
}
