package io.github.lakebase.junit.internal.databricks;

import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchStatus;
import com.databricks.sdk.service.postgres.BranchStatusState;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The library's test branches in one Lakebase project, from any run: those whose id has the form of the
 * library's ids with this run's prefix ({@link BranchIds}). Lakebase keeps no label, comment or description on
 * a branch ({@code Branch} and {@code BranchSpec} of the SDK's {@code postgres} service have none), so a branch
 * tells that it is kept by its expiry alone, as the sweep reads it ({@link Sweeper#KEPT_BEYOND}): why it is
 * kept and by which test is not recorded, and its entry carries no {@link io.github.lakebase.junit.spi.KeptBranch}.
 * A kept branch, or one of a dead run, can be reached and dropped; a live run's never, nor a base, a parent,
 * the default branch or a protected one.
 */
final class DatabricksCatalog implements BranchCatalog {

    private final LakebaseApi api;
    private final DatabricksSettings settings;
    private final BranchIds ids;
    private final Sweeper sweeper;
    private final String identity;
    private final String runId;

    DatabricksCatalog(
            LakebaseApi api,
            DatabricksSettings settings,
            BranchIds ids,
            Sweeper sweeper,
            String identity,
            String runId) {
        this.api = api;
        this.settings = settings;
        this.ids = ids;
        this.sweeper = sweeper;
        this.identity = identity;
        this.runId = runId;
    }

    /** No: a kept branch is told by its expiry alone. */
    @Override
    public boolean recordsWhyKept() {
        return false;
    }

    @Override
    public List<Entry> branches() {
        List<Entry> entries = new ArrayList<>();
        for (Branch b : api.branches()) {
            entry(b).ifPresent(entries::add);
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** The entry of a test's branch of the library; empty for any other branch. */
    private Optional<Entry> entry(Branch b) {
        String id = b.getBranchId();
        BranchStatus status = b.getStatus();
        if (id == null
                || !ids.testBranch(id)
                || status == null
                || status.getCurrentState() == BranchStatusState.DELETED
                || Boolean.TRUE.equals(status.getDefault())
                || Boolean.TRUE.equals(status.getIsProtected())) {
            return Optional.empty();
        }
        boolean kept = kept(b);
        Long size = status.getLogicalSizeBytes();
        return Optional.of(new Entry(
                id,
                ids.run(id).orElseThrow(),
                kept ? "kept" : "branch",
                Optional.empty(),
                Optional.ofNullable(kept ? touched(b) : LakebaseApi.instant(b.getCreateTime())),
                Optional.ofNullable(LakebaseApi.instant(status.getExpireTime())),
                size == null ? -1 : size));
    }

    /** Whether a branch's expiry lies beyond what a live run's heartbeat gives: it was kept. */
    private static boolean kept(Branch b) {
        Instant expiry = LakebaseApi.instant(b.getStatus().getExpireTime());
        Instant touched = touched(b);
        return expiry != null && touched != null && expiry.isAfter(touched.plus(Sweeper.KEPT_BEYOND));
    }

    /** When the branch was last changed: by a live run's heartbeat, or when it was kept. */
    private static Instant touched(Branch b) {
        Instant created = LakebaseApi.instant(b.getCreateTime());
        Instant updated = LakebaseApi.instant(b.getUpdateTime());
        return updated != null && (created == null || updated.isAfter(created)) ? updated : created;
    }

    /** The branch's {@code primary} endpoint, as the workspace identity with a database credential. */
    @Override
    public BranchConnection connect(String name) {
        Branch b = find(api.branches(), name);
        if (!kept(b)) {
            throw ProviderException.configuration("The Lakebase branch '" + b.getBranchId() + "' is not kept: it "
                    + "belongs to run " + ids.run(b.getBranchId()).orElseThrow() + ", which deletes it when its test "
                    + "ends. Only a kept branch (CleanupMode.NEVER, or ON_SUCCESS after a failure) can be reached "
                    + "after its run.");
        }
        EndpointConnection connection = new EndpointConnection(api, settings, b.getBranchId(), identity);
        connection.awaitReady();
        return connection;
    }

    /** Deletes a kept branch, or one of a dead run, after the library's branches forked from it that may go too. */
    @Override
    public void drop(String name) {
        List<Branch> all = api.branches();
        Branch b = find(all, name);
        requireDroppable(b);
        List<Branch> order = new ArrayList<>();
        children(b, all, order);
        for (Branch x : order) {
            api.deleteBranch(x.getBranchId());
        }
    }

    /** {@code b}'s descendants, children first, then {@code b}; fails on one that must stay. */
    private void children(Branch b, List<Branch> all, List<Branch> order) {
        for (Branch c : all) {
            if (c.getStatus() != null
                    && Objects.equals(b.getName(), c.getStatus().getSourceBranch())
                    && c.getStatus().getCurrentState() != BranchStatusState.DELETED) {
                if (entry(c).isEmpty()) {
                    throw ProviderException.configuration(
                            "Refusing to drop '" + b.getBranchId() + "': branch '" + c.getBranchId()
                                    + "', which is not a test's branch of lakebase-junit, was forked from it.");
                }
                requireDroppable(c);
                children(c, all, order);
            }
        }
        order.add(b);
    }

    private void requireDroppable(Branch b) {
        String run = ids.run(b.getBranchId()).orElseThrow();
        if (!kept(b) && (run.equals(runId) || !sweeper.abandoned(b, Instant.now()))) {
            throw ProviderException.configuration("Refusing to drop '" + b.getBranchId() + "': run " + run
                    + " is still alive and uses it (it extends its expiry). It deletes it itself when its test ends.");
        }
    }

    /** A test's branch of the library by its id, or by the name it was made from ({@code lbj_k3x9q2a_7}). */
    private Branch find(List<Branch> all, String name) {
        String id = BranchIds.normalize(name);
        return all.stream()
                .filter(b -> id.equals(b.getBranchId()))
                .filter(b -> entry(b).isPresent())
                .findFirst()
                .orElseThrow(() -> ProviderException.configuration("No branch of lakebase-junit is named '" + name
                        + "' in Lakebase project " + settings.project() + ". The library reaches and drops only "
                        + "the branches of tests it created; list them with the list command."));
    }
}
