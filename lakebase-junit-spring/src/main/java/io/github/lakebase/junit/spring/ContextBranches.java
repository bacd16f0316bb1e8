package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.TestBranches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.DisposableBean;

/**
 * The branches of one application context: one {@link BeanRoute} per {@code DataSource} bean that holds
 * connections of its own, each with the staged base its start-up schema work runs on, and the test
 * branches it routes to afterwards.
 *
 * <p>While the context starts, each route's connections go to a <em>staged base</em>, forked on first
 * use from the parent as it is (or from the migrated base of the {@code migrations} a test declares):
 * the application's Flyway or Liquibase, {@code spring.sql.init} scripts and the like build it. When the
 * context is ready, the staged bases are sealed and test branches are forked from them
 * ({@link #forkSource}); connections then go to the branches of the test running on the calling thread.
 */
final class ContextBranches implements DisposableBean {

    private final BaseSpec declared;
    private final String description;
    private final Map<String, BeanRoute> routes = new LinkedHashMap<>();
    private final List<Ambiguity> ambiguities = new CopyOnWriteArrayList<>();
    private String defaultRoute = "";
    private boolean starting = true;

    /** A thread of the application that could not tell which of these branches to use. */
    private record Ambiguity(String message, Set<Branch> branches) {}

    ContextBranches(BaseSpec declared, String description) {
        this.declared = declared;
        this.description = description;
    }

    /**
     * Declares the routes: one per bean, named after it, or the unnamed one when there is one bean.
     *
     * @param beans the {@code DataSource} beans that hold connections of their own, in definition order
     * @param primary the one of them that is {@code @Primary}, or {@code null}
     */
    synchronized void configure(List<String> beans, String primary) {
        routes.clear();
        if (beans.size() <= 1) {
            String bean = beans.isEmpty() ? "" : beans.get(0);
            routes.put("", new BeanRoute(this, bean, ""));
            defaultRoute = "";
            return;
        }
        for (String bean : beans) {
            String name = BeanRoute.branchNameOf(bean);
            routes.put(name, new BeanRoute(this, bean, name));
        }
        defaultRoute = BeanRoute.branchNameOf(primary != null ? primary : beans.get(0));
    }

    /** The route of a bean. */
    synchronized BeanRoute routeOf(String bean) {
        return routes.values().stream()
                .filter(r -> r.bean().equals(bean))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No route for bean '" + bean + "' in " + this));
    }

    /** The route of the context's only or primary {@code DataSource}: what {@code Branch} and R2DBC use. */
    synchronized BeanRoute defaultRoute() {
        if (routes.isEmpty()) {
            configure(List.of(), null);
        }
        return routes.get(defaultRoute);
    }

    synchronized List<BeanRoute> routes() {
        return List.copyOf(routes.values());
    }

    synchronized boolean isStarting() {
        return starting;
    }

    String description() {
        return description;
    }

    /** Forks a staged base for a route: from the parent as it is, unless the test declares migrations of its own. */
    StagedBase stage(ExtensionContext test, String hint) {
        return declared.migrations().isEmpty()
                ? TestBranches.stageFromParent(test, declared.from(), hint)
                : TestBranches.stage(test, declared, hint);
    }

    /** Binds the current test's branches to this context, so that the application's own threads find them. */
    List<Branch> bindCurrentTest() {
        List<Branch> bound = new ArrayList<>();
        if (!isStarting() && TestBranches.currentContext().isPresent()) {
            for (BeanRoute route : routes()) {
                route.bindCurrentTest().ifPresent(bound::add);
            }
        }
        return bound;
    }

    /**
     * Ends start-up: seals the staged bases that the context used while it started. Called when the test
     * framework takes the context over; later calls do nothing.
     */
    synchronized void started() {
        if (starting) {
            starting = false;
            routes.values().forEach(BeanRoute::seal);
        }
    }

    /**
     * The base to fork a test's branch from, when the test is of this context's {@code from} and
     * {@code migrations}: the staged base of the route of that name; for a branch that is no bean's, the
     * default route's.
     */
    synchronized Optional<String> forkSource(ExtensionContext holder, String branchName, BaseSpec branch) {
        started();
        if (!declared.equals(branch)) {
            return Optional.empty();
        }
        BeanRoute route = routes.containsKey(branchName) ? routes.get(branchName) : defaultRoute();
        return Optional.of(route.sealedBase(holder));
    }

    /** Remembers that a thread of the application could not tell which of {@code branches} to use. */
    void ambiguous(String message, Set<Branch> branches) {
        ambiguities.removeIf(a -> a.branches().stream().noneMatch(TestBranches::isOpen));
        ambiguities.add(new Ambiguity(message, branches));
    }

    /** What threads of the application could not tell while one of {@code branches} was in use. */
    List<String> ambiguitiesOf(List<Branch> branches) {
        return ambiguities.stream()
                .filter(a -> branches.stream().anyMatch(a.branches()::contains))
                .map(Ambiguity::message)
                .distinct()
                .toList();
    }

    String outsideTest(ExtensionContext context) {
        return "The DataSource of " + description + " was used in " + context.getDisplayName()
                + " outside a test method, and the branches of "
                + context.getTestClass().map(Class::getSimpleName).orElse("the class") + " are per method. Use the "
                + "database in @BeforeEach or the test, or declare @LakebaseBranch(lifecycle = PER_CLASS) to have "
                + "one branch for the whole class.";
    }

    /** Drops the staged bases with the context. */
    @Override
    public synchronized void destroy() {
        routes.values().forEach(BeanRoute::close);
    }

    @Override
    public String toString() {
        return "ContextBranches[" + description + ", " + declared + "]";
    }
}
