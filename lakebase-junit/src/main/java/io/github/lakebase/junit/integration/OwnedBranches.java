package io.github.lakebase.junit.integration;

import io.github.lakebase.junit.Branch;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The gate between tools that damage data on purpose (such as
 * {@link io.github.lakebase.junit.tools.Corruption}) and the branches they may damage.
 *
 * <pre>{@code
 * try (Connection c = OwnedBranches.openVerified(branch, "Corruption")) {   // refuses anything but a live test branch
 *     damage(c);
 * }
 * }</pre>
 */
public final class OwnedBranches {

    private OwnedBranches() {}

    /**
     * Opens a connection to {@code branch} after checking that it is a test branch the library created in
     * this run and has not destroyed: a {@link Branch} the library handed out (or one that stands for the
     * current test's branch under the same name, such as a framework's routing bean), still alive, that the
     * provider confirms through the connection itself (on PostgreSQL servers: the connected database
     * carries the library's comment for a test branch of this run). A parent, a migrated base, a kept
     * branch, another run's branch or any other database is refused before anything is written.
     *
     * @param branch the branch to open
     * @param tool what asks, for the messages (for example {@code "Corruption"})
     * @return a new connection, which the caller closes
     * @throws IllegalArgumentException when {@code branch} is {@code null} or was not created by the library
     * @throws IllegalStateException when the branch was destroyed, or the provider refuses it
     * @throws SQLException when the connection cannot be opened
     */
    public static Connection openVerified(Branch branch, String tool) throws SQLException {
        return TestBranches.engine().openVerified(branch, tool);
    }
}
