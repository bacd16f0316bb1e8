package io.github.lakebase.junit.internal;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branches of the tests running now, for test frameworks whose components must reach them
 * without a JUnit callback of their own: the application context of a Spring test routes its
 * {@code DataSource} to {@link #current()}.
 *
 * <p>Not API: {@code lakebase-junit-spring} uses it, and it changes with the library.
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
 * finds the test, and gets its branch, created on demand.
 */
public final class TestBranches {

    private static final Logger LOG = LoggerFactory.getLogger(TestBranches.class);
    private static final Namespace NAMESPACE = Namespace.create(TestBranches.class);
    /** Per thread, the contexts it runs, innermost first (JUnit may run another test while one waits). */
    private static final ThreadLocal<Deque<ExtensionContext>> ENTERED =
            ThreadLocal.withInitial(ConcurrentLinkedDeque::new);

    private static final List<TestIntegration> INTEGRATIONS = load();

    private TestBranches() {}

    /** Marks {@code context} as running on this thread until JUnit closes it. */
    static void enter(ExtensionContext context) {
        context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        new EnteredKey(context.getUniqueId()),
                        key -> {
                            Deque<ExtensionContext> entered = ENTERED.get();
                            entered.push(context);
                            return new Entered(entered, context);
                        },
                        Entered.class);
    }

    /** The innermost test or class that this thread runs, if it runs one with the extension. */
    public static Optional<ExtensionContext> currentContext() {
        return Optional.ofNullable(ENTERED.get().peek());
    }

    /**
     * The branch that governs what this thread runs now: the test's per-method branch, or its class's
     * per-class one; created now unless it exists. Empty on a thread that runs no test with the
     * extension, and in a class-wide callback of a class whose branches are per method.
     */
    public static Optional<Branch> current() {
        return currentContext().flatMap(Declarations::governing).map(BranchInjector::provide);
    }

    /** Whether {@code branch} is one of the library's and still in use: neither destroyed nor kept. */
    public static boolean isOpen(Branch branch) {
        return branch instanceof ManagedBranch managed && !managed.isClosed();
    }

    /**
     * What the class declares on itself (or inherits from the classes around it) as {@code from} and
     * {@code migrations}, as written: the static data that decides which base its branches come from.
     */
    public static Optional<Declared> declaredOn(Class<?> testClass) {
        return Declarations.forClass(testClass)
                .map(d -> new Declared(d.spec().from(), d.spec().migrations()));
    }

    /**
     * Forks a base from the migrated base of {@code declared}, for an integration to prepare further
     * (a Spring context runs its start-up schema set-up on it) and then {@linkplain StagedBase#seal() seal}
     * and hand out as a {@linkplain TestIntegration#forkSource fork source}.
     *
     * @param context gives the configuration, as for any branch of that test
     * @param hint words for the base's name
     */
    public static StagedBase stage(ExtensionContext context, Declared declared, String hint) {
        Configuration config = BranchInjector.configuration(context);
        BranchSpec spec = new BranchSpec("", declared.from(), declared.migrations(), null, CleanupMode.ALWAYS);
        try {
            ManagedBranch branch = BranchService.forkRecovering(
                    config,
                    spec,
                    hint,
                    new ManagedBranch.BranchSettings(CleanupMode.ALWAYS, config.poolMaximumSize(), hint, () -> false),
                    null,
                    Kind.BASE);
            return new StagedBase(branch);
        } catch (ProviderException e) {
            if (e.isConfigurationError()) {
                throw new ExtensionConfigurationException(e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The source an integration prepared for the test branches of {@code holder}, if any. */
    static Optional<String> forkSource(ExtensionContext holder, BranchSpec spec) {
        if (spec.asOf() != null) {
            return Optional.empty();
        }
        for (TestIntegration integration : INTEGRATIONS) {
            Optional<String> source = integration.forkSource(holder, spec.from(), spec.migrations());
            if (source.isPresent()) {
                return source;
            }
        }
        return Optional.empty();
    }

    /** Whether an integration resolves {@code parameter} itself. */
    static boolean resolvedElsewhere(ParameterContext parameter, ExtensionContext context) {
        return INTEGRATIONS.stream().anyMatch(i -> i.resolvesParameter(parameter, context));
    }

    private static List<TestIntegration> load() {
        List<TestIntegration> found = new ArrayList<>();
        var providers = ServiceLoader.load(TestIntegration.class, TestBranches.class.getClassLoader())
                .iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return List.copyOf(found);
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // An integration whose framework is not on the class path (lakebase-junit-spring without Spring).
                LOG.debug("Skipping a test integration that cannot load: {}", e.toString());
            }
        }
    }

    /**
     * A class's {@code from} and {@code migrations} as declared.
     *
     * @param from the parent, empty for the configured default
     * @param migrations Flyway locations, empty for the configured default
     */
    public record Declared(String from, List<String> migrations) {
        /** The declaration of a class without one of its own: every default. */
        public static final Declared DEFAULTS = new Declared("", List.of());

        public Declared {
            migrations = List.copyOf(migrations);
        }
    }

    /**
     * A base staged by an integration: usable through {@link #dataSource()} until it is
     * {@linkplain #seal() sealed}, then a template for test branches; dropped by {@link #close()}, or
     * with the other bases of the run when the JVM exits.
     */
    public static final class StagedBase implements AutoCloseable {

        private final ManagedBranch branch;

        private StagedBase(ManagedBranch branch) {
            this.branch = branch;
        }

        /** The base's name: what {@link TestIntegration#forkSource} returns once it is sealed. */
        public String name() {
            return branch.name();
        }

        /** A pool on the base, until it is sealed. */
        public DataSource dataSource() {
            return branch.dataSource();
        }

        /** Closes the pool's connections and ends every session on the base, and makes it a template. */
        public void seal() {
            branch.seal();
        }

        /** Drops the base. */
        @Override
        public void close() {
            branch.close();
        }

        @Override
        public String toString() {
            return branch.toString();
        }
    }

    private record EnteredKey(String context) {}

    /** Leaves the context on the thread that entered it when JUnit closes it. */
    @SuppressWarnings("deprecation")
    private record Entered(Deque<ExtensionContext> entered, ExtensionContext context)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            entered.removeFirstOccurrence(context);
        }
    }
}
