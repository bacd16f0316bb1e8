package io.github.lakebase.junit.internal.neon;

import io.github.lakebase.junit.internal.neon.NeonApi.NeonBranch;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The library's test branches in one Neon project, from any run: those with a name the library gives, with
 * this run's prefix. Neon keeps no label on a branch that can be set after it is made ({@code
 * updateProjectBranch} takes a name, {@code protected} and {@code expires_at} only), so a branch tells that
 * it is kept by its expiry alone, as the sweep reads it ({@link NeonSweeper#KEPT_BEYOND}): why it is kept
 * and by which test is not recorded, and its entry carries no {@link io.github.lakebase.junit.spi.KeptBranch}.
 * A kept branch, or one of a dead run, can be reached and dropped; a live run's never, nor a base, a parent,
 * the default branch or a protected one.
 */
final class NeonCatalog implements BranchCatalog {

    private final NeonApi api;
    private final NeonSettings settings;
    private final NeonCreation creation;
    private final NeonSweeper sweeper;
    private final BranchNames names;
    private final String runId;

    NeonCatalog(
            NeonApi api,
            NeonSettings settings,
            NeonCreation creation,
            NeonSweeper sweeper,
            BranchNames names,
            String runId) {
        this.api = api;
        this.settings = settings;
        this.creation = creation;
        this.sweeper = sweeper;
        this.names = names;
        this.runId = runId;
    }

    /** No: a kept branch is told by its expiry alone. */
    @Override
    public boolean recordsWhyKept() {
        return false;
    }

    @Override
    public List<Entry> branches() {
        return entries(api.branches());
    }

    private List<Entry> entries(List<NeonBranch> all) {
        List<Entry> entries = new ArrayList<>();
        for (NeonBranch b : all) {
            Optional<String> run = names.runOf(b.name());
            if (run.isEmpty() || !testBranch(b.name(), run.get()) || b.isDefault() || b.isProtected()) {
                continue;
            }
            boolean kept = kept(b);
            entries.add(new Entry(
                    b.name(),
                    run.get(),
                    kept ? "kept" : "branch",
                    Optional.empty(),
                    Optional.ofNullable(kept ? touched(b) : b.createdAt()),
                    Optional.ofNullable(b.expiresAt()),
                    b.logicalSize()));
        }
        entries.sort(java.util.Comparator.comparing(Entry::name));
        return entries;
    }

    /** A test's branch, named {@code <prefix><run>_<n>[_hint]}: not a base or a parent. */
    private boolean testBranch(String name, String run) {
        String rest = name.substring(names.prefix().length() + run.length() + 1);
        return !rest.isEmpty() && Character.isDigit(rest.charAt(0));
    }

    /** Whether a branch's expiry lies beyond what a live run's heartbeat gives: it was kept. */
    private static boolean kept(NeonBranch b) {
        Instant touched = touched(b);
        return b.expiresAt() != null && touched != null && b.expiresAt().isAfter(touched.plus(NeonSweeper.KEPT_BEYOND));
    }

    /** When the branch was last changed: by a live run's heartbeat, or when it was kept. */
    private static Instant touched(NeonBranch b) {
        return b.updatedAt() != null && (b.createdAt() == null || b.updatedAt().isAfter(b.createdAt()))
                ? b.updatedAt()
                : b.createdAt();
    }

    /** The branch's read-write endpoint as the configured role, once it accepts a login. */
    @Override
    public BranchConnection connect(String name) {
        NeonBranch b = find(api.branches(), name);
        if (!kept(b)) {
            throw ProviderException.configuration("The Neon branch '" + name + "' is not kept: it belongs to run "
                    + names.runOf(name).orElseThrow() + ", which deletes it when its test ends. Only a kept branch "
                    + "(CleanupMode.NEVER, or ON_SUCCESS after a failure) can be reached after its run.");
        }
        NeonApi.Login login = api.login(b.id());
        creation.awaitLogin(name, login);
        return BranchConnection.of(login.jdbcUrl(), login.user(), login.password());
    }

    /**
     * Deletes a kept branch, or one of a dead run, after the branches of the library forked from it that may
     * go too: Neon deletes no branch that has a child.
     */
    @Override
    public void drop(String name) {
        List<NeonBranch> all = api.branches();
        NeonBranch b = find(all, name);
        requireDroppable(b);
        List<NeonBranch> order = new ArrayList<>();
        children(b, all, order);
        for (NeonBranch x : order) {
            api.deleteBranch(x.id());
        }
    }

    /** {@code b}'s descendants, children first, then {@code b}; fails on one that must stay. */
    private void children(NeonBranch b, List<NeonBranch> all, List<NeonBranch> order) {
        for (NeonBranch c : all) {
            if (b.id().equals(c.parentId())) {
                if (names.runOf(c.name()).isEmpty()) {
                    throw ProviderException.configuration("Refusing to drop '" + b.name() + "': branch '" + c.name()
                            + "', which lakebase-junit did not create, was forked from it.");
                }
                requireDroppable(c);
                children(c, all, order);
            }
        }
        order.add(b);
    }

    private void requireDroppable(NeonBranch b) {
        String run = names.runOf(b.name()).orElseThrow();
        if (!kept(b) && (run.equals(runId) || !sweeper.abandoned(b, Instant.now()))) {
            throw ProviderException.configuration("Refusing to drop '" + b.name() + "': run " + run + " is still "
                    + "alive and uses it (it extends its expiry). It deletes it itself when its test ends.");
        }
    }

    private NeonBranch find(List<NeonBranch> all, String name) {
        return all.stream()
                .filter(b -> b.name().equals(name))
                .filter(b -> entries(List.of(b)).size() == 1)
                .findFirst()
                .orElseThrow(() -> ProviderException.configuration("No branch of lakebase-junit is named '" + name
                        + "' in Neon project " + settings.project() + ". The library reaches and drops only the "
                        + "branches of tests it created; list them with the list command."));
    }
}
