package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.BranchEngine;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.branching.ForkRequest;
import io.github.lakebase.junit.internal.branching.ManagedBranch;
import io.github.lakebase.junit.internal.branching.Staging;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.inject.Declarations.Target;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The engine behind the integration seam ({@code io.github.lakebase.junit.integration}), found there
 * with {@link java.util.ServiceLoader}: the seam depends on nothing of the engine, and the engine
 * implements it.
 *
 * <pre>{@code
 * Optional<Branch> branch = new Engine().branchOf(context, "");
 * }</pre>
 */
public final class Engine implements BranchEngine {

    /** Creates the engine; {@link java.util.ServiceLoader} calls it once per class loader. */
    public Engine() {}

    @Override
    public Optional<ExtensionContext> currentContext() {
        return RunningTests.current();
    }

    @Override
    public Optional<Branch> branchOf(ExtensionContext context, String name) {
        return Declarations.governing(context)
                .map(t -> name.equals(t.spec().name())
                        ? t
                        : new Target(t.spec().named(name, "TestBranches.current(\"" + name + "\")"), t.holder()))
                .map(BranchStore::provide);
    }

    @Override
    public boolean isOpen(Branch branch) {
        return branch instanceof ManagedBranch managed && !managed.isClosed();
    }

    @Override
    public Optional<BaseSpec> declaredOn(Class<?> testClass) {
        return Declarations.forClass(testClass).map(d -> d.spec().base());
    }

    @Override
    public StagedBase stage(ExtensionContext context, BaseSpec spec, String hint, StartupWork work) {
        Configuration config = BranchStore.configuration(context);
        ReportOnClose.register(context, config);
        ManagedBranch.BranchSettings settings =
                new ManagedBranch.BranchSettings(CleanupMode.ALWAYS, config.poolMaximumSize(), hint, () -> false);
        return new Staged(BranchStore.configurationErrors(
                () -> BranchService.stage(config, ForkRequest.stagedBase(spec, hint, settings), work)));
    }

    @Override
    public StagedBase stageFromParent(ExtensionContext context, String from, String hint, StartupWork work) {
        Configuration config = BranchStore.configuration(context);
        ReportOnClose.register(context, config);
        ManagedBranch.BranchSettings settings =
                new ManagedBranch.BranchSettings(CleanupMode.ALWAYS, config.poolMaximumSize(), hint, () -> false);
        return new Staged(BranchStore.configurationErrors(
                () -> BranchService.stage(config, ForkRequest.stagedParent(from, hint, settings), work)));
    }

    @Override
    public Connection openVerified(Branch branch, String tool) throws SQLException {
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
    private Optional<ManagedBranch> standingFor(Branch branch) {
        return RunningTests.current()
                .flatMap(context -> branchOf(context, ""))
                .filter(ManagedBranch.class::isInstance)
                .map(ManagedBranch.class::cast)
                .filter(current -> current.name().equals(branch.name()));
    }

    /** A staged base: a branch of kind {@code BASE} that its integration seals. */
    private record Staged(Staging staging, ManagedBranch branch) implements StagedBase {

        Staged(Staging staging) {
            this(staging, staging.branch());
        }

        @Override
        public String name() {
            return branch.name();
        }

        @Override
        public String jdbcUrl() {
            return branch.jdbcUrl();
        }

        @Override
        public String username() {
            return branch.username();
        }

        @Override
        public String password() {
            return branch.password();
        }

        @Override
        public DataSource dataSource() {
            return branch.dataSource();
        }

        @Override
        public boolean reused() {
            return staging.reused();
        }

        @Override
        public void seal() {
            staging.seal();
        }

        @Override
        public void close() {
            branch.close();
        }

        @Override
        public String toString() {
            return branch.toString();
        }
    }
}
