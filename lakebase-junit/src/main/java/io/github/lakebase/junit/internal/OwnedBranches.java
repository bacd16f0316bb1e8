package io.github.lakebase.junit.internal;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

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
     * run and has not destroyed: a {@link Branch} the library handed out (or one that stands for the current
     * test's branch under the same name, such as a framework's routing bean), still alive, that the provider
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
        ManagedBranch managed = branch instanceof ManagedBranch own
                ? own
                : standingFor(branch)
                        .orElseThrow(() -> new IllegalArgumentException("Refusing to let " + tool + " touch "
                                + branch.getClass().getName()
                                + " '" + branch.name()
                                + "': it is not a branch created by lakebase-junit. Only a test branch "
                                + "the library created (injected with @" + LakebaseBranch.class.getSimpleName()
                                + ") may be damaged on purpose; parents, bases and other databases never are."));
        try {
            return managed.openVerifiedConnection();
        } catch (ProviderException e) {
            throw new IllegalStateException(tool + " refused to run on '" + branch.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The library's branch that a {@link Branch} of another kind stands for: the branch of the test this thread
     * runs, when it has the same name (a framework's {@code Branch} that routes to the current test's branch,
     * such as the Spring module's bean). Only the library's own branch is ever connected to.
     */
    private static Optional<ManagedBranch> standingFor(Branch branch) {
        String name = branch.name();
        return TestBranches.current()
                .filter(ManagedBranch.class::isInstance)
                .map(ManagedBranch.class::cast)
                .filter(current -> current.name().equals(name));
    }
}
