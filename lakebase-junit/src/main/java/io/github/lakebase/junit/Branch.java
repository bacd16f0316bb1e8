package io.github.lakebase.junit;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A copy-on-write branch of a PostgreSQL database, created for a test by {@link LakebaseBranch}.
 *
 * <pre>{@code
 * @Test
 * @LakebaseBranch
 * void destructive(Branch branch) throws SQLException {
 *     try (Connection c = branch.openConnection()) {
 *         c.createStatement().execute("TRUNCATE inventory");
 *     }
 *     branch.reset();                       // back to the migrated parent, in place
 * }
 * }</pre>
 *
 * <p>The branch owns its pool: it is closed, and the branch destroyed, at the end of the branch's
 * scope (see {@link CleanupMode}).
 */
public interface Branch {

    /**
     * The provider's name of this branch (a database name on a PostgreSQL server).
     *
     * @return the branch name
     */
    String name();

    /**
     * The branch this one was forked from, as named in {@link LakebaseBranch#from()} or the
     * provider's default.
     *
     * @return the parent branch name
     */
    String parent();

    /**
     * The JDBC URL of this branch.
     *
     * @return a {@code jdbc:postgresql:} URL
     */
    String jdbcUrl();

    /**
     * The user name to connect with.
     *
     * @return the user name
     */
    String username();

    /**
     * The password to connect with; never logged by the library.
     *
     * @return the password
     */
    String password();

    /**
     * A pooled {@link DataSource} (HikariCP) for this branch, owned by the branch and closed when it
     * is destroyed.
     *
     * @return the branch's pool
     */
    DataSource dataSource();

    /**
     * Opens a new, unpooled connection to this branch; the caller closes it.
     *
     * <pre>{@code
     * try (Connection c = branch.openConnection()) {
     *     c.createStatement().execute("DELETE FROM orders");
     * }
     * }</pre>
     *
     * @return a new connection
     * @throws SQLException if the connection cannot be opened, or the test (or class) the branch was handed to has
     *     ended and the branch was not kept ({@link CleanupMode#NEVER}, or {@link CleanupMode#ON_SUCCESS} after a
     *     failure) (SQLState {@code 08003}): a branch restored in place may serve a later test under the same name, so
     *     a thread a test leaves behind gets no connection to it this way
     */
    Connection openConnection() throws SQLException;

    /**
     * Brings the branch back to the state of its migrated parent, in place: same name, and the same
     * {@link #dataSource()}, which keeps working. Connections of the branch's pool are evicted (a borrowed
     * one when it is handed back, and it fails until then); connections opened elsewhere are terminated. A
     * connection the pool opens while the reset runs waits for it, and is one of the reset branch.
     *
     * <p>On a server provider ({@code embedded}, {@code postgres}, {@code testcontainers}) the URL stays
     * the same. On a cloud provider ({@code databricks}) the branch is deleted and forked anew under its
     * name, with a new endpoint, so {@link #jdbcUrl()} may change: read it again after a reset instead of
     * keeping the old value.
     */
    void reset();
}
