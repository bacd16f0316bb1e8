package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.branching.ForkRequest;
import io.github.lakebase.junit.internal.branching.ManagedBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.inject.Declarations.Target;
import io.github.lakebase.junit.spi.ProviderException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * The tests' branches, each in the JUnit store of the context that owns it (a test's for a per-method
 * branch, a class's for a per-class one), created on first use with {@code computeIfAbsent} so that
 * JUnit closes it at the end of its scope, also when tests run in parallel.
 *
 * <pre>{@code
 * ManagedBranch branch = BranchStore.provide(new Target(spec, context));
 * }</pre>
 */
final class BranchStore {

    static final Namespace NAMESPACE = Namespace.create(BranchStore.class);

    private BranchStore() {}

    /** The branch for {@code target}, created in its holder's store unless it exists. */
    static ManagedBranch provide(Target target) {
        ExtensionContext holder = target.holder();
        Slot slot = holder.getStore(NAMESPACE).getOrComputeIfAbsent(target.key(), key -> create(target), Slot.class);
        if (!slot.spec().equals(target.spec())) {
            throw new ExtensionConfigurationException("Two @LakebaseBranch declarations ask for the branch named \""
                    + target.spec().name() + "\" in " + holder.getDisplayName() + " with different settings: ("
                    + slot.spec().describe() + ") and (" + target.spec().describe() + "). Give one of them another "
                    + "name, or make them agree.");
        }
        return slot.branch();
    }

    private static Slot create(Target target) {
        ExtensionContext holder = target.holder();
        holder.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(EndOfRun.class, key -> new EndOfRun(), EndOfRun.class);
        BranchSpec spec = target.spec();
        Configuration config = configuration(holder);
        ReportOnClose.register(holder, config);
        return configurationErrors(() -> {
            CleanupMode cleanup = spec.cleanup() == CleanupMode.DEFAULT ? config.defaultCleanup() : spec.cleanup();
            AtomicBoolean failed = holder.getTestMethod().isEmpty() ? FailureTracker.flag(holder) : new AtomicBoolean();
            String hint = holder.getTestMethod()
                            .map(Method::getName)
                            .or(() -> holder.getTestClass().map(Class::getSimpleName))
                            .orElse("")
                    + (spec.name().isEmpty() ? "" : "_" + spec.name());
            String owner = holder.getTestClass().map(Class::getName).orElse("?")
                    + holder.getTestMethod().map(m -> "." + m.getName() + "()").orElse("");
            ManagedBranch.BranchSettings settings = new ManagedBranch.BranchSettings(
                    cleanup,
                    config.poolMaximumSize(),
                    owner,
                    () -> failed.get() || holder.getExecutionException().isPresent());
            String source = Integrations.forkSource(holder, spec).orElse(null);
            return new Slot(
                    spec,
                    BranchService.fork(config, ForkRequest.branch(spec.base(), spec.asOf(), hint, settings, source)));
        });
    }

    /** The configuration a test sees: its configuration parameters, then the environment. */
    static Configuration configuration(ExtensionContext context) {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElseGet(() ->
                        context.getTestClass().map(Class::getClassLoader).orElse(BranchStore.class.getClassLoader()));
        Map<Object, Object> run = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(RunValues.class, key -> new RunValues(), RunValues.class)
                .values;
        return new Configuration(
                context::getConfigurationParameter, System.getenv(), BranchService.RUN_ID, loader, run);
    }

    /** What the configurations of one JUnit run work out once ({@link Configuration#perRun}). */
    private static final class RunValues {
        final Map<Object, Object> values = new ConcurrentHashMap<>();
    }

    /**
     * Runs {@code action}, turning a configuration error of a provider into JUnit's {@link
     * ExtensionConfigurationException}, which JUnit reports as the test's misconfiguration.
     */
    static <T> T configurationErrors(Supplier<T> action) {
        try {
            return action.get();
        } catch (ProviderException e) {
            if (e.isConfigurationError()) {
                throw new ExtensionConfigurationException(e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * A branch in a store, with the spec it was created for. Closeable both ways: JUnit 5.13 and later
     * close {@link AutoCloseable} values, JUnit 5.10 to 5.12 only {@code CloseableResource} ones.
     */
    @SuppressWarnings("deprecation")
    private record Slot(BranchSpec spec, ManagedBranch branch)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            branch.close();
        }
    }

    /**
     * Closed by JUnit when the whole run ends: waits for the branches still being dropped in the
     * background, so that a run leaves nothing behind when it returns.
     */
    @SuppressWarnings("deprecation")
    private static final class EndOfRun implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            BranchService.awaitRunEnd();
        }
    }
}
