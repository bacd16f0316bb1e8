package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.integration.TestBranches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

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
 * Where the provider keeps bases from one run to the next, the staged base of a context with one routed
 * {@code DataSource} is kept, keyed by its start-up work ({@link #stageEarly}).
 */
final class ContextBranches implements DisposableBean {

    /** Settings that turn off the start-up work a reused base has done already (scripts, JPA's schema creation). */
    static final String WARM_SOURCE = LakebaseContextCustomizer.PROPERTY_SOURCE + "-warm";

    private static final Logger LOG = LoggerFactory.getLogger(ContextBranches.class);

    /** The branches of each test class's context while it is open, empty for a context without them. */
    private static final Map<Class<?>, Optional<ContextBranches>> OF_TEST_CLASS = new ConcurrentHashMap<>();

    private final BaseSpec declared;
    private final String description;
    private final String configuration;
    private final ConfigurableEnvironment environment;
    private final Map<String, BeanRoute> routes = new LinkedHashMap<>();
    private final List<Ambiguity> ambiguities = new CopyOnWriteArrayList<>();
    private String defaultRoute = "";
    private boolean starting = true;
    private volatile boolean destroyed;

    /** A thread of the application that could not tell which of these branches to use. */
    private record Ambiguity(String message, Set<Branch> branches) {}

    /**
     * @param declared the {@code from} and {@code migrations} of the context's tests
     * @param description the context, for messages
     * @param configuration the context's configuration (its classes and profiles), which its kept bases are for
     * @param environment the context's environment, where its start-up work is read from
     */
    ContextBranches(BaseSpec declared, String description, String configuration, ConfigurableEnvironment environment) {
        this.declared = declared;
        this.description = description;
        this.configuration = configuration;
        this.environment = environment;
    }

    /**
     * The branches of the application context of {@code testClass}, looked up in the context the first time
     * and again once it has closed. Each lookup of a test's context has Spring hash the context's whole
     * configuration (for a Spring Boot test slice, its filters read their includes from the classpath), and a
     * test method would otherwise pay for it several times over.
     *
     * <pre>{@code
     * ContextBranches.of(testContext.getTestClass(), testContext::getApplicationContext)
     *         .ifPresent(ContextBranches::started);
     * }</pre>
     *
     * @param testClass the test class, whose context is the same one until it closes
     * @param context finds the test class's context; called only when the branches are not known
     * @return the context's branches, or empty when the context has none (its tests do not use branches)
     */
    static Optional<ContextBranches> of(Class<?> testClass, Supplier<ApplicationContext> context) {
        Optional<ContextBranches> known = OF_TEST_CLASS.get(testClass);
        if (known == null || known.filter(branches -> branches.destroyed).isPresent()) {
            known = Optional.ofNullable(
                    context.get().getBeanProvider(ContextBranches.class).getIfAvailable());
            OF_TEST_CLASS.put(testClass, known);
        }
        return known;
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

    /** Forks a staged base for a route, kept across runs after {@code work} where the provider keeps bases. */
    StagedBase stage(ExtensionContext test, String hint, StartupWork work) {
        return declared.migrations().isEmpty()
                ? TestBranches.stageFromParent(test, declared.from(), hint, work)
                : TestBranches.stage(test, declared, hint, work);
    }

    /**
     * Stages the base of a context with one routed {@code DataSource} once its bean definitions are known and
     * before any bean exists, keyed by its start-up work ({@link StartupInputs}): on a run that finds the base an
     * earlier run's start-up built, the context starts on a fork of it, its Flyway and Liquibase find every
     * migration applied, and the work that would not see that it is done ({@code spring.sql.init} scripts, JPA
     * creating the schema) is turned off.
     *
     * @param beanFactory the context's bean factory, its definitions complete
     * @param managesSchema whether a Flyway or Liquibase bean manages the schema
     */
    void stageEarly(ConfigurableListableBeanFactory beanFactory, boolean managesSchema) {
        Optional<ExtensionContext> test = TestBranches.currentContext();
        BeanRoute route;
        synchronized (this) {
            if (routes.size() != 1 || test.isEmpty()) {
                return;
            }
            route = defaultRoute();
        }
        StartupWork work = StartupInputs.read(configuration, environment, beanFactory, managesSchema);
        if (route.stageEarly(test.get(), work)) {
            LOG.info(
                    "{} starts on a fork of the base an earlier run's start-up built ({}): spring.sql.init and JPA's "
                            + "schema creation are off; set lakebase.rebuild-bases=true to build it again",
                    description,
                    String.join(", ", work.steps()));
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            WARM_SOURCE,
                            Map.of(
                                    "spring.sql.init.mode", "never",
                                    "spring.jpa.hibernate.ddl-auto", "none",
                                    "spring.jpa.generate-ddl", "false",
                                    "spring.jpa.properties.hibernate.hbm2ddl.auto", "none",
                                    "spring.jpa.properties.jakarta.persistence.schema-generation.database.action",
                                            "none")));
        }
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
        destroyed = true;
        OF_TEST_CLASS.values().removeIf(known -> known.orElse(null) == this);
        routes.values().forEach(BeanRoute::close);
    }

    @Override
    public String toString() {
        return "ContextBranches[" + description + ", " + declared + "]";
    }
}
