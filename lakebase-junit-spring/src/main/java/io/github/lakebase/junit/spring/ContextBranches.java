package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.TestBranches;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.DisposableBean;

/**
 * The branches of one application context: the base its start-up schema set-up runs on, and the
 * test branches its {@code DataSource} routes to afterwards.
 *
 * <p>While the context starts, connections go to a <em>staged base</em>, forked on first use from the
 * migrated base of the test class's {@code @LakebaseBranch}: Boot's Flyway, {@code spring.sql.init}
 * scripts and the like write there. When the context is ready, the staged base is sealed and test
 * branches are forked from it ({@link #forkSource}); connections then go to the branch of the test
 * running on the calling thread.
 */
final class ContextBranches implements DisposableBean {

    private final BaseSpec declared;
    private final String description;
    private final Set<Branch> routed = ConcurrentHashMap.newKeySet();
    private boolean starting = true;
    private StagedBase staged;

    ContextBranches(BaseSpec declared, String description) {
        this.declared = declared;
        this.description = description;
    }

    /** The pool connections of the application go to now. */
    DataSource target() {
        synchronized (this) {
            if (starting) {
                return stagedBase().dataSource();
            }
        }
        return branch().dataSource();
    }

    /** The branch of the test running on this thread; else the only test branch in use in this context. */
    Branch branch() {
        Optional<ExtensionContext> test = TestBranches.currentContext();
        if (test.isPresent()) {
            Branch branch =
                    TestBranches.current().orElseThrow(() -> new IllegalStateException(outsideTest(test.get())));
            remember(branch);
            return branch;
        }
        routed.removeIf(b -> !TestBranches.isOpen(b));
        Set<Branch> inUse = Set.copyOf(routed);
        if (inUse.size() == 1) {
            return inUse.iterator().next();
        }
        throw new IllegalStateException(
                inUse.isEmpty()
                        ? "The DataSource of " + description + " was used on thread '"
                                + Thread.currentThread().getName()
                                + "' while no test with a @LakebaseBranch runs in this context, so there is no branch to use."
                        : "The DataSource of " + description + " was used on thread '"
                                + Thread.currentThread().getName()
                                + "', which runs no test, while " + inUse.size()
                                + " tests with branches run in this context "
                                + "in parallel: it cannot tell whose branch to use. Run the tests that hand work to threads "
                                + "of the application (a RANDOM_PORT server, @Async) with @Isolated or @Execution(SAME_THREAD), "
                                + "or give them a Spring configuration of their own.");
    }

    /** Binds the current test's branch to this context, so that the application's own threads find it. */
    void bindCurrentTest() {
        if (!starting && TestBranches.currentContext().isPresent()) {
            TestBranches.current().ifPresent(this::remember);
        }
    }

    /** Remembers a test's branch for the application's threads; forgets the branches whose tests ended. */
    private void remember(Branch branch) {
        if (routed.add(branch)) {
            routed.removeIf(b -> !TestBranches.isOpen(b));
        }
    }

    /**
     * Ends start-up: seals the staged base, if anything used the database while the context started.
     * Called when the test framework takes the context over; later calls do nothing.
     */
    synchronized void started() {
        if (starting) {
            starting = false;
            if (staged != null) {
                staged.seal();
            }
        }
    }

    /**
     * The base to fork test branches from, when they are of this context's {@code from} and
     * {@code migrations}, and the context ran anything on the database while it started.
     */
    synchronized Optional<String> forkSource(BaseSpec branch) {
        started();
        return staged != null && declared.equals(branch) ? Optional.of(staged.name()) : Optional.empty();
    }

    private StagedBase stagedBase() {
        if (staged == null) {
            ExtensionContext context = TestBranches.currentContext()
                    .orElseThrow(() -> new IllegalStateException(
                            description + " used its DataSource while starting, outside a JUnit Jupiter test with "
                                    + "@LakebaseBranch. lakebase-junit-spring needs the context to start in a test, as "
                                    + "SpringExtension starts it."));
            staged = TestBranches.stage(context, declared, "spring_context");
        }
        return staged;
    }

    private String outsideTest(ExtensionContext context) {
        return "The DataSource of " + description + " was used in " + context.getDisplayName()
                + " outside a test method, and the branches of "
                + context.getTestClass().map(Class::getSimpleName).orElse("the class") + " are per method. Use the "
                + "database in @BeforeEach or the test, or declare @LakebaseBranch(lifecycle = PER_CLASS) to have "
                + "one branch for the whole class.";
    }

    /** Drops the staged base with the context. */
    @Override
    public synchronized void destroy() {
        if (staged != null) {
            staged.close();
            staged = null;
        }
    }

    @Override
    public String toString() {
        return "ContextBranches[" + description + ", " + declared + "]";
    }
}
