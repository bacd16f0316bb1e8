package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.RenamableSpares;
import io.github.lakebase.junit.spi.RestorableBranches;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's {@link RestorableBranches} as the {@link Prefetcher} uses them: a branch that cannot be
 * tracked is simply not restored, and why is logged at debug level.
 *
 * <pre>{@code
 * Restoring restoring = Restoring.of(provider, naming, config.restoreInPlace());   // null when off
 * }</pre>
 */
final class Restoring {

    private static final Logger LOG = LoggerFactory.getLogger(Restoring.class);

    /** How long a restore with the connections open may take before the branch takes the renaming path. */
    static final Duration CONNECTED_RESTORE_LIMIT = Duration.ofSeconds(30);

    private static final Executor RESTORERS =
            Executors.newCachedThreadPool(DaemonThreads.named("lakebase-junit-restore"));

    private final RestorableBranches restorable;

    private Restoring(RestorableBranches restorable) {
        this.restorable = restorable;
    }

    /**
     * The provider's restorer, or null where branches are not restored: {@code lakebase.restore-in-place=false},
     * or the provider cannot (which is said at INFO level when the key asked for it, else at debug level).
     *
     * @param asked the key's value, empty when not set (yes, where the provider can)
     */
    static Restoring of(BranchProvider provider, RenamableSpares naming, Optional<Boolean> asked) {
        if (!asked.orElse(true)) {
            return null;
        }
        Optional<RestorableBranches> restorable = naming == null ? Optional.empty() : naming.restorable();
        Optional<String> why = restorable.isEmpty()
                ? Optional.of("it cannot restore branches in place")
                : restorable.get().cannotRestore();
        if (why.isEmpty()) {
            return new Restoring(restorable.get());
        }
        if (asked.isPresent()) {
            LOG.info("lakebase.restore-in-place=true has no effect on {}: {}", provider.describe(), why.get());
        } else {
            LOG.debug("Branches on {} are not restored in place: {}", provider.describe(), why.get());
        }
        return null;
    }

    /** Notes the state of a new spare; false when it cannot be read, and then it is not restored. */
    boolean track(String name, String base) {
        try {
            restorable.track(name, base);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("The spare {} will not be restored in place: {}", name, e.getMessage());
            return false;
        }
    }

    /** Whether a new spare of {@code base} should be read ({@link #track}) rather than noted ({@link #trackFork}). */
    boolean wantsRead(String base) {
        try {
            return restorable.wantsRead(base);
        } catch (RuntimeException e) {
            LOG.debug("Could not tell whether a spare of {} is to be read: {}", base, e.getMessage());
            return false;
        }
    }

    /** Notes the state of a branch forked on demand, where that needs no reading; false otherwise. */
    boolean trackFork(String name, String base) {
        try {
            return restorable.trackFork(name, base);
        } catch (RuntimeException e) {
            LOG.debug("Branch {} will not be restored in place: {}", name, e.getMessage());
            return false;
        }
    }

    /**
     * Restores {@code name} with the connections of {@code pool} kept open for the next test
     * ({@link RestorableBranches#restoreConnected}); none of them is borrowed while it does.
     *
     * @return whether it was restored; if not, the branch is as its test left it, or restored but no longer
     *     tracked (a session came during the restore), and the caller ends the pool
     */
    boolean restoreConnected(String name, BranchPool pool) {
        List<Connection> sessions;
        try {
            sessions = pool.borrowAll();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Branch {} keeps none of its connections: {}", name, e.getMessage());
            return false;
        }
        if (sessions.isEmpty()) {
            return false;
        }
        // On a thread of its own, which a driver stuck in its test's leftovers (say, a COPY) cannot keep forever.
        CompletableFuture<Optional<String>> restored =
                CompletableFuture.supplyAsync(() -> restorable.restoreConnected(name, sessions), RESTORERS);
        try {
            Optional<String> why = restored.get(CONNECTED_RESTORE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            why.ifPresent(w -> LOG.debug("Branch {} is not restored with its connections open: {}", name, w));
            return why.isEmpty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Branch {} is not restored with its connections open: {}", name, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            for (Connection c : sessions) {
                try {
                    c.close(); // back to the pool
                } catch (SQLException e) {
                    LOG.debug("Handing a connection of {} back to its pool: {}", name, e.getMessage());
                }
            }
        }
    }

    /** See {@link RestorableBranches#prepareSession}; a failure is only logged: the first restore prepares. */
    void prepareSession(String name, Connection session) {
        try {
            restorable.prepareSession(name, session);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not ready a session of the spare {} for its restores: {}", name, e.getMessage());
        }
    }

    /** See {@link RestorableBranches#restoresConnected}. */
    boolean restoresConnected() {
        return restorable.restoresConnected();
    }

    /** See {@link RestorableBranches#restore}. */
    Optional<BranchConnection> restore(String name, String spare) {
        return restorable.restore(name, spare);
    }
}
