package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.integration.TestBranches;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where the connections of one {@code DataSource} bean of a context go: while the context starts, to a
 * staged base of the bean's own, on which the application's start-up schema work for that bean runs
 * (its Flyway or Liquibase, {@code spring.sql.init}); afterwards, to the branch of the running test that
 * carries the bean's branch name ({@code ""} when the context has one routed {@code DataSource}).
 */
final class BeanRoute {

    private final ContextBranches context;
    private final String bean;
    private final String branchName;
    private final Set<Branch> routed = ConcurrentHashMap.newKeySet();
    private final StartupConnections startup;
    private StagedBase staged;

    BeanRoute(ContextBranches context, String bean, String branchName) {
        this.context = context;
        this.bean = bean;
        this.branchName = branchName;
        this.startup = new StartupConnections(bean, context.description());
    }

    /**
     * The name of a bean's branch within the test: the bean's name, with characters a branch name cannot
     * hold as {@code _}, a letter first, at most 40 characters.
     */
    static String branchNameOf(String bean) {
        String name = bean.replaceAll("[^A-Za-z0-9_-]", "_");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0)) || name.charAt(0) > 'z') {
            name = "ds_" + name;
        }
        return name.length() > 40 ? name.substring(0, 40) : name;
    }

    /** The bean this route serves, or {@code ""} for a route no bean of the application declared. */
    String bean() {
        return bean;
    }

    /** The name of the test's branch this route goes to: {@code ""} for the unnamed one. */
    String branchName() {
        return branchName;
    }

    /** A connection for the application: on the staged base while the context starts, else on the test's branch. */
    Connection getConnection() throws SQLException {
        DataSource startupTarget;
        synchronized (context) {
            startupTarget = context.isStarting() ? stagedBase().dataSource() : null;
        }
        if (startupTarget != null) {
            return startup.track(startupTarget.getConnection());
        }
        return target().getConnection();
    }

    /** The pool connections go to now. */
    DataSource target() {
        synchronized (context) {
            if (context.isStarting()) {
                return stagedBase().dataSource();
            }
        }
        return branch().dataSource();
    }

    /** What an R2DBC driver connects to now: the staged base while the context starts, else the test's branch. */
    Endpoint endpoint() {
        synchronized (context) {
            if (context.isStarting()) {
                StagedBase base = stagedBase();
                return new Endpoint(base.name(), base.jdbcUrl(), base.username(), base.password());
            }
        }
        Branch branch = branch();
        return new Endpoint(branch.name(), branch.jdbcUrl(), branch.username(), branch.password());
    }

    /** A database to connect to: a staged base or a test's branch. */
    record Endpoint(String name, String jdbcUrl, String username, String password) {
        /** The database and the user, never the password or the URL (which may carry secrets). */
        @Override
        public String toString() {
            return name + " as " + username;
        }
    }

    /** The branch of the test running on this thread; else the only test branch in use in this context. */
    Branch branch() {
        Optional<ExtensionContext> test = TestBranches.currentContext();
        if (test.isPresent()) {
            Branch branch = TestBranches.current(branchName)
                    .orElseThrow(() -> new IllegalStateException(context.outsideTest(test.get())));
            remember(branch);
            return branch;
        }
        routed.removeIf(b -> !TestBranches.isOpen(b));
        Set<Branch> inUse = Set.copyOf(routed);
        if (inUse.size() == 1) {
            return inUse.iterator().next();
        }
        String thread = Thread.currentThread().getName();
        if (inUse.isEmpty()) {
            throw new IllegalStateException("The " + what() + " of " + context.description() + " was used on thread '"
                    + thread + "' while no test with a @LakebaseBranch runs in this context, so there is no branch "
                    + "to use.");
        }
        String message = "The " + what() + " of " + context.description() + " was used on thread '" + thread
                + "', which runs no test, while " + inUse.size() + " tests with branches run in this context "
                + "in parallel: it cannot tell whose branch to use. Run the tests that hand work to threads "
                + "of the application (a RANDOM_PORT server, @Async) with @Isolated or @Execution(SAME_THREAD), "
                + "or give them a Spring configuration of their own.";
        context.ambiguous(message, inUse);
        throw new IllegalStateException(message);
    }

    private String what() {
        return bean.isEmpty() ? "DataSource" : "DataSource '" + bean + "'";
    }

    /** Binds the current test's branch to this route, so that the application's own threads find it. */
    Optional<Branch> bindCurrentTest() {
        Optional<Branch> branch = TestBranches.current(branchName);
        branch.ifPresent(this::remember);
        return branch;
    }

    private void remember(Branch branch) {
        if (routed.add(branch)) {
            routed.removeIf(b -> !TestBranches.isOpen(b));
        }
    }

    /** Seals the staged base, if the context used it while it started; warns of connections still borrowed. */
    void seal() {
        if (staged != null) {
            startup.warnIfStillBorrowed();
            staged.seal();
        }
    }

    /** The sealed base to fork this route's test branches from: an unchanged one if start-up never used it. */
    String sealedBase(ExtensionContext holder) {
        if (staged == null) {
            staged = context.stage(holder, hint());
            staged.seal();
        }
        return staged.name();
    }

    /**
     * Stages this route's base now, kept across runs after {@code work}; unless it is staged already.
     *
     * @return whether it was forked from the base an earlier run kept after the same work
     */
    boolean stageEarly(ExtensionContext test, StartupWork work) {
        synchronized (context) {
            if (staged == null) {
                staged = context.stage(test, hint(), work);
            }
            return staged.reused();
        }
    }

    private StagedBase stagedBase() {
        if (staged == null) {
            ExtensionContext test = TestBranches.currentContext()
                    .orElseThrow(() -> new IllegalStateException(context.description() + " used its " + what()
                            + " while starting, outside a JUnit Jupiter test with @LakebaseBranch. "
                            + "lakebase-junit-spring needs the context to start in a test, as SpringExtension "
                            + "starts it."));
            staged = context.stage(test, hint());
        }
        return staged;
    }

    private String hint() {
        return branchName.isEmpty() ? "spring_context" : "spring_" + branchName;
    }

    /** Drops the staged base. */
    void close() {
        if (staged != null) {
            staged.close();
            staged = null;
        }
    }

    @Override
    public String toString() {
        return "BeanRoute[" + (bean.isEmpty() ? "(no bean)" : bean) + " -> branch \"" + branchName + "\"]";
    }
}
