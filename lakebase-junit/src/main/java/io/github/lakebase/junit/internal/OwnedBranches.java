package io.github.lakebase.junit.internal;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The gate between the library's tools that damage data on purpose ({@code io.github.lakebase.junit.tools})
 * and the branches they may damage. Not an API: its only callers are the library's own tools.
 *
 * <pre>{@code
 * try (Connection c = OwnedBranches.openVerified(branch)) {   // refuses anything but a live test branch
 *     damage(c);
 * }
 * }</pre>
 */
public final class OwnedBranches {

    private OwnedBranches() {}

    /**
     * Opens a connection to {@code branch} after checking that it is a test branch the library created in this
     * run and has not destroyed: a {@link Branch} the library handed out, still alive, that the provider
     * confirms through the connection itself (on PostgreSQL servers: the connected database carries the
     * library's comment for a test branch of this run). A parent, a migrated base, a kept branch, another
     * run's branch or any other database is refused before anything is written.
     *
     * @param branch the branch to open
     * @param tool what asks, for the messages (for example {@code "Corruption"})
     * @return a new connection, which the caller closes
     * @throws IllegalArgumentException when {@code branch} was not created by the library
     * @throws IllegalStateException when the branch was destroyed, or the provider refuses it
     * @throws SQLException when the connection cannot be opened
     */
    public static Connection openVerified(Branch branch, String tool) throws SQLException {
        if (branch == null) {
            throw new IllegalArgumentException(tool + " needs a branch: inject one with @"
                    + LakebaseBranch.class.getSimpleName() + " (a Branch parameter or field).");
        }
        if (!(branch instanceof ManagedBranch managed)) {
            throw new IllegalArgumentException("Refusing to let " + tool + " touch " + branch.getClass().getName()
                    + " '" + branch.name() + "': it is not a branch created by lakebase-junit. Only a test branch "
                    + "the library created (injected with @" + LakebaseBranch.class.getSimpleName()
                    + ") may be damaged on purpose; parents, bases and other databases never are.");
        }
        try {
            return managed.openVerifiedConnection();
        } catch (ProviderException e) {
            throw new IllegalStateException(tool + " refused to run on '" + branch.name() + "': " + e.getMessage(), e);
        }
    }
}
