package io.github.lakebase.junit.integration;

import io.github.lakebase.junit.Branch;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The branches of the tests running now, for components that must reach them without a JUnit
 * callback of their own: the application context of a Spring test routes its {@code DataSource} to
 * {@link #current()}.
 *
 * <pre>{@code
 * Connection connection = TestBranches.current()
 *         .orElseThrow(() -> new IllegalStateException("not in a test with a branch"))
 *         .dataSource().getConnection();
 * }</pre>
 *
 * <p>The extension <em>enters</em> a test (or class) on the thread that runs it as early as JUnit lets
 * it, when it evaluates its execution condition, before any other extension's callbacks, and leaves it
 * when JUnit closes the test's context. So a component that another extension calls before this
 * one's {@code beforeEach} (Spring starting a transaction for a {@code @Transactional} test) already
 * finds the test, and gets its branch, created on demand. Every method may be called from any
 * thread.
 */
public final class TestBranches {

    private static final BranchEngine ENGINE = ServiceLoader.load(
                    BranchEngine.class, BranchEngine.class.getClassLoader())
            .findFirst()
            .orElseThrow(() ->
                    new IllegalStateException("The lakebase-junit engine is missing from the class path: its jar lists "
                            + BranchEngine.class.getName() + " in META-INF/services."));

    private TestBranches() {}

    /**
     * The innermost test or class that this thread runs, if it runs one with the extension.
     *
     * @return its context, or empty
     */
    public static Optional<ExtensionContext> currentContext() {
        return ENGINE.currentContext();
    }

    /**
     * The branch that governs what this thread runs now: the test's per-method branch, or its class's
     * per-class one; created now unless it exists. Empty on a thread that runs no test with the
     * extension, and in a class-wide callback of a class whose branches are per method.
     *
     * @return the branch, or empty
     */
    public static Optional<Branch> current() {
        return current("");
    }

    /**
     * The branch called {@code name} of what this thread runs now, forked from the same base as
     * {@link #current()} and created unless it exists: several branches per test, such as one per
     * {@code DataSource} of an application. The same as a {@code @LakebaseBranch(name = ...) Branch}
     * parameter of the test.
     *
     * @param name a name as in {@code @LakebaseBranch(name = ...)}, {@code ""} for the unnamed branch
     * @return the branch, or empty where {@link #current()} is empty
     * @throws ExtensionConfigurationException when {@code name} is not a valid branch name
     */
    public static Optional<Branch> current(String name) {
        return ENGINE.currentContext().flatMap(context -> ENGINE.branchOf(context, name));
    }

    /**
     * Whether {@code branch} is one of the library's and still in use: neither destroyed nor kept.
     *
     * @param branch any branch
     * @return {@code true} while the branch serves its test
     */
    public static boolean isOpen(Branch branch) {
        return ENGINE.isOpen(branch);
    }

    /**
     * What {@code testClass} declares on itself (or inherits from the classes around it) as
     * {@code from} and {@code migrations}, as written.
     *
     * @param testClass a test class
     * @return the declaration, or empty when neither the class nor a class around it has one
     */
    public static Optional<BaseSpec> declaredOn(Class<?> testClass) {
        return ENGINE.declaredOn(testClass);
    }

    /**
     * Forks a base from the migrated base of {@code spec}, for an integration to prepare further (a
     * Spring context runs its start-up schema work on it) and then {@linkplain StagedBase#seal() seal}
     * and hand out as a {@linkplain TestIntegration#forkSource fork source}.
     *
     * @param context gives the configuration, as for any branch of that test
     * @param spec the base to start from
     * @param hint words for the staged base's name
     * @return the staged base, which the caller closes
     * @throws ExtensionConfigurationException when the configuration is wrong (an unknown parent, say)
     */
    public static StagedBase stage(ExtensionContext context, BaseSpec spec, String hint) {
        return ENGINE.stage(context, spec, hint, null);
    }

    /**
     * As {@link #stage(ExtensionContext, BaseSpec, String)}, for an integration that runs {@code work} on the
     * staged base: where the provider keeps bases from one run to the next (the embedded server on a persistent
     * data directory), the base is forked from the one an earlier run sealed after the same work, if there is one
     * ({@link StagedBase#reused()}), and else kept for later runs when it is sealed. {@code
     * lakebase.rebuild-bases=true} builds it again.
     *
     * <pre>{@code
     * StagedBase staged = TestBranches.stage(context, spec, "spring_context", work);
     * if (!staged.reused()) {
     *     runStartupSchemaWork(staged.dataSource());
     * }
     * staged.seal();
     * }</pre>
     *
     * @param context gives the configuration, as for any branch of that test
     * @param spec the base to start from
     * @param hint words for the staged base's name
     * @param work what the integration runs on the base before it seals it
     * @return the staged base, which the caller closes
     * @throws ExtensionConfigurationException when the configuration is wrong (an unknown parent, say)
     */
    public static StagedBase stage(ExtensionContext context, BaseSpec spec, String hint, StartupWork work) {
        return ENGINE.stage(context, spec, hint, java.util.Objects.requireNonNull(work, "work"));
    }

    /**
     * Forks a base from the parent {@code from} as it is, with none of the library's migrations: for an
     * integration whose application migrates the database itself (a Spring context's Flyway or Liquibase,
     * with all of the application's settings), so that the library applies nothing first. Prepared,
     * {@linkplain StagedBase#seal() sealed} and handed out as {@link #stage} says.
     *
     * <pre>{@code
     * StagedBase staged = TestBranches.stageFromParent(context, "", "spring_context");   // the default parent
     * }</pre>
     *
     * @param context gives the configuration, as for any branch of that test
     * @param from the parent as written, {@code ""} for the configured default ({@code lakebase.from}), else
     *     the provider's default parent
     * @param hint words for the staged base's name
     * @return the staged base, which the caller closes
     * @throws ExtensionConfigurationException when the configuration is wrong (an unknown parent, say)
     */
    public static StagedBase stageFromParent(ExtensionContext context, String from, String hint) {
        return ENGINE.stageFromParent(context, from, hint, null);
    }

    /**
     * As {@link #stageFromParent(ExtensionContext, String, String)}, kept across runs as {@link
     * #stage(ExtensionContext, BaseSpec, String, StartupWork)} says: a Spring context whose application migrates
     * itself starts, on a warm run, on a fork of the base an earlier run's start-up built.
     *
     * @param context gives the configuration, as for any branch of that test
     * @param from the parent as written, {@code ""} for the configured default
     * @param hint words for the staged base's name
     * @param work what the integration runs on the base before it seals it
     * @return the staged base, which the caller closes
     * @throws ExtensionConfigurationException when the configuration is wrong (an unknown parent, say)
     */
    public static StagedBase stageFromParent(ExtensionContext context, String from, String hint, StartupWork work) {
        return ENGINE.stageFromParent(context, from, hint, java.util.Objects.requireNonNull(work, "work"));
    }

    /**
     * The engine behind these methods, for {@link OwnedBranches}.
     *
     * @return the engine
     */
    static BranchEngine engine() {
        return ENGINE;
    }
}
