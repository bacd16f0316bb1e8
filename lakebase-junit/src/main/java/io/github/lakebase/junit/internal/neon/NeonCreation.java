package io.github.lakebase.junit.internal.neon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.internal.neon.NeonApi.NeonBranch;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating a branch on Neon as a client must: a creation whose answer is lost (no answer, a server error)
 * may have happened anyway, and is looked up by name before it is repeated, since {@code POST} is not safe
 * to repeat (the API's {@code GeneralError}); 423 and 429 are repeated, the work not having been done; a
 * refusal while the project has as many branches as its {@code branches_limit} waits for a branch to be
 * deleted, decided by the project's numbers ({@code Project.owner.branches_limit} and
 * {@code countProjectBranches}), never by the wording of a message. The deletions of this run's own between
 * the request and the count (parallel tests make them) are added back to the count: the room they made is not
 * a sign that the request itself is wrong. The branch of a creation that failed is deleted, in the background
 * until Neon lets it.
 */
final class NeonCreation {

    private static final Logger LOG = LoggerFactory.getLogger(NeonCreation.class);

    /** How many refusals in a row, each while the project had room, make a refusal of the request itself. */
    private static final int REFUSALS_WITH_ROOM = 3;

    private final NeonApi api;
    private final NeonSettings settings;
    /** Where the deletion of a failed creation's branch is tried again. */
    private final ScheduledExecutorService background;
    /** Branches whose creation failed and whose deletion is still to come. */
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();

    NeonCreation(NeonApi api, NeonSettings settings, ScheduledExecutorService background) {
        this.api = api;
        this.settings = settings;
        this.background = background;
    }

    /** Creates a branch, with an expiry of {@code branch-ttl}, and waits until its operations are finished. */
    NeonBranch create(String name, String parentId, Instant asOf) {
        String what = "creating branch " + name;
        NeonHttp.Waits waits = api.http().waits(settings.operationTimeout());
        NeonHttp.Waits forSlot = null;
        int refusedWithRoom = 0;
        while (true) {
            NeonApi.DeletionMark deletions = api.deletionMark();
            try {
                // an expiry of branch-ttl from now, at every attempt: a wait for room may last longer than it
                ObjectNode request =
                        api.createRequest(name, parentId, asOf, Instant.now().plus(settings.branchTtl()));
                return api.startCreate(request);
            } catch (NeonHttp.Failure e) {
                if (e.status() == 0 || e.status() >= 500) {
                    Optional<NeonBranch> found = api.branchNamed(name);
                    if (found.isPresent()) {
                        LOG.info(
                                "{} failed on the client ({}), but the branch exists: taking it", what, e.getMessage());
                        api.awaitReady(found.get());
                        return found.get();
                    }
                }
                if (e.passing()) {
                    if (waits.pause(what + " failed (" + e.getMessage() + ")", e)) {
                        continue;
                    }
                    throw NeonHttp.failure(what, e);
                }
                boolean full = e.status() / 100 == 4 && projectFull(deletions);
                if (full) {
                    refusedWithRoom = 0;
                    if (forSlot == null) {
                        forSlot = api.http().waits(settings.slotTimeout());
                        LOG.info(
                                "Project {} has as many branches as it may; {} waits for one to be deleted, up to {}",
                                settings.project(),
                                name,
                                ProviderContext.formatDuration(settings.slotTimeout()));
                    }
                    if (forSlot.pause("branch limit")) {
                        waits = api.http().waits(settings.operationTimeout()); // the wait for room is not a retry's
                        continue;
                    }
                    throw new ProviderException(
                            "Neon: no room for branch " + name + " within "
                                    + ProviderContext.formatDuration(settings.slotTimeout())
                                    + ": project " + settings.project() + " stayed at its branch limit. Delete "
                                    + "branches you no longer need, lower " + NeonProviderFactory.MAX_BRANCHES
                                    + ", or raise " + NeonProviderFactory.SLOT_TIMEOUT + ".",
                            e);
                }
                if (e.status() / 100 == 4 && ++refusedWithRoom < REFUSALS_WITH_ROOM) {
                    // The project may have been full when it refused, and had a branch deleted since: only a
                    // refusal that repeats while the project has room is one of the request itself.
                    if (waits.pause(what + " refused while the project has room (" + e.getMessage() + ")", e)) {
                        continue;
                    }
                }
                if (e.status() == 400 || e.status() == 422) {
                    throw ProviderException.configuration("Neon refused branch " + name + " (" + e.getMessage()
                            + "). Where it names expires_at, the project caps how long a branch may live: lower "
                            + NeonProviderFactory.BRANCH_TTL + " (now "
                            + ProviderContext.formatDuration(settings.branchTtl())
                            + "). Where it names the parent's timestamp, asOf lies outside the parent's history.");
                }
                throw NeonHttp.failure(what, e);
            }
        }
    }

    /**
     * Whether the project has as many branches as its limit allows, or had before this run's own deletions since
     * {@code mark}: those counted once the count is read, so that none that lowers the count goes uncounted.
     */
    private boolean projectFull(NeonApi.DeletionMark mark) {
        int limit = api.branchLimit();
        if (limit <= 0) {
            return false;
        }
        int count = api.branchCount();
        return count + api.deletionsSince(mark) >= limit;
    }

    /**
     * Waits until a branch accepts a login: a new branch's compute starts on the first connection, and may
     * refuse it while it starts.
     */
    @SuppressWarnings("try") // the connection is opened only to prove a login works
    void awaitLogin(String name, NeonApi.Login login) {
        NeonHttp.Waits waits = api.http().waits(settings.endpointTimeout());
        String last;
        do {
            try (Connection ignored = BranchConnection.of(login.jdbcUrl(), login.user(), login.password())
                    .open()) {
                return;
            } catch (SQLException e) {
                last = e.getMessage();
                String state = String.valueOf(e.getSQLState());
                if (!state.startsWith("08") && !state.equals("57P03")) {
                    throw new ProviderException(
                            "Neon: could not log in to branch " + name + " as " + login.user() + ": " + last
                                    + ("3D000".equals(state)
                                            ? ". Name an existing database with " + NeonProviderFactory.DATABASE + "."
                                            : ""),
                            e);
                }
            }
        } while (waits.pause("branch " + name + " not ready for logins (" + last + ")"));
        throw new ProviderException(
                "Neon: branch " + name + " did not accept a login within "
                        + ProviderContext.formatDuration(settings.endpointTimeout()) + " (last: " + last + "). Raise "
                        + NeonProviderFactory.ENDPOINT_TIMEOUT + " if its compute is slow to start.",
                null);
    }

    /** Deletes, now and when it fails in the background, the branch of a creation that failed, if it exists. */
    void abandon(String name) {
        deleteAbandoned(name, settings.pollInterval(), Instant.now().plus(settings.branchTtl()));
    }

    /** Tries once more to delete each branch of a failed creation still left: the run is ending. */
    void deleteAbandoned() {
        List.copyOf(abandoned).forEach(name -> deleteAbandoned(name, Duration.ZERO, Instant.MIN));
    }

    /**
     * Deletes a branch whose creation failed, if it exists: it is this run's by its name, and a creation that
     * timed out may still finish (the branch is locked, 423, until then). Tried again in the background with
     * growing waits until Neon lets it, or until the branch would have expired anyway.
     */
    private void deleteAbandoned(String name, Duration wait, Instant giveUp) {
        try {
            api.branchNamed(name).ifPresent(b -> api.deleteBranch(b.id()));
            abandoned.remove(name);
        } catch (RuntimeException e) {
            Duration next = wait.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
                    ? Duration.ofMinutes(1)
                    : wait.multipliedBy(2);
            try {
                if (Instant.now().plus(next).isBefore(giveUp)) {
                    abandoned.add(name);
                    background.schedule(
                            () -> deleteAbandoned(name, next, giveUp), next.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (RejectedExecutionException closed) {
                // the run is ending: close() tries once more
            }
            LOG.warn(
                    "Could not delete branch {}, whose creation failed ({}); it expires by itself",
                    name,
                    e.getMessage());
        }
    }
}
