package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.TestBranches;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Makes a test's application context use branches: its {@code DataSource} and R2DBC
 * {@code ConnectionFactory} beans route to the current test's branches, a {@code Branch} bean is the
 * current test's branch, Boot's test database replacement stays off, and Boot treats a branch as the
 * embedded database the application's tests used before: {@code spring.sql.init} runs unless the
 * application says {@code never}, and where no Flyway or Liquibase manages the schema and the
 * application sets no {@code ddl-auto}, JPA creates it from the entities as Boot's embedded default
 * ({@code create-drop}) does, without the drop when the context closes: the context's bases are
 * dropped with it, and no test's branch is there to drop a schema on.
 *
 * <p>Equality comes from static annotation data only (the class's {@code from} and {@code
 * migrations}), so that Spring's context cache shares one context among all test classes of the
 * same configuration and base.
 */
final class LakebaseContextCustomizer implements ContextCustomizer {

    static final String PROPERTY_SOURCE = "lakebase-junit";
    static final String DEFAULTS_SOURCE = "lakebase-junit-embedded-defaults";
    /** The beans to leave on their own database. */
    static final String IGNORE_BEANS = "lakebase.spring.ignore-beans";

    private static final String FLYWAY = "org.flywaydb.core.Flyway";
    private static final String LIQUIBASE = "liquibase.integration.spring.SpringLiquibase";

    private final BaseSpec declared;

    LakebaseContextCustomizer(BaseSpec declared) {
        this.declared = declared;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("lakebase-junit-spring cannot register its beans in a "
                    + context.getBeanFactory().getClass().getName());
        }
        ConfigurableEnvironment environment = context.getEnvironment();
        ContextBranches branches = new ContextBranches(
                declared,
                "the application context of " + config.getTestClass().getName(),
                configurationOf(config),
                environment);
        addProperties(environment, context.getBeanFactory(), branches);
        register(registry, "lakebaseContextBranches", new RootBeanDefinition(ContextBranches.class, () -> branches));
        Set<String> ignored = ignoredBeans(environment);
        register(
                registry,
                "lakebaseDataSourceReplacer",
                new RootBeanDefinition(DataSourceReplacer.class, () -> new DataSourceReplacer(branches, ignored)));
        register(
                registry,
                "lakebaseWrapperGuard",
                new RootBeanDefinition(WrapperGuard.class, () -> new WrapperGuard(ignored, branches.description())));
        register(
                registry,
                "lakebaseBranch",
                new RootBeanDefinition(RoutingBranch.class, () -> new RoutingBranch(branches)));
    }

    private static void addProperties(
            ConfigurableEnvironment environment,
            ConfigurableListableBeanFactory beanFactory,
            ContextBranches branches) {
        Map<String, Object> fixed = new HashMap<>();
        // @DataJpaTest and @JdbcTest would replace the DataSource with an embedded H2 (and fail without one).
        fixed.put("spring.test.database.replace", "none");
        // A branch is the embedded database of the application's tests: Boot's default mode (embedded) runs
        // the scripts on it; only an explicit setting other than embedded turns them off.
        String mode = environment.getProperty("spring.sql.init.mode");
        if (mode == null || mode.trim().equalsIgnoreCase("embedded")) {
            fixed.put("spring.sql.init.mode", "always");
        }
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, fixed));
        // A Flyway or Liquibase given a URL of its own connects to the staged base instead.
        Map<String, Supplier<Object>> connection = new HashMap<>();
        for (String tool : new String[] {"spring.flyway.", "spring.liquibase."}) {
            if (environment.containsProperty(tool + "url") || environment.containsProperty(tool + "user")) {
                connection.put(
                        tool + "url", () -> branches.defaultRoute().endpoint().jdbcUrl());
                connection.put(
                        tool + "user", () -> branches.defaultRoute().endpoint().username());
                connection.put(
                        tool + "password",
                        () -> branches.defaultRoute().endpoint().password());
            }
        }
        environment
                .getPropertySources()
                .addAfter(PROPERTY_SOURCE, new LazyProperties(PROPERTY_SOURCE + "-connections", connection));
        // Boot's default for an embedded database (create-drop) when nothing else manages the schema, less its
        // drop at close, which would find no test's branch; any setting of the application wins.
        environment
                .getPropertySources()
                .addLast(new LazyProperties(
                        DEFAULTS_SOURCE,
                        Map.of("spring.jpa.hibernate.ddl-auto", () -> managesSchema(beanFactory) ? null : "create")));
    }

    static boolean managesSchema(ConfigurableListableBeanFactory beanFactory) {
        for (String tool : new String[] {FLYWAY, LIQUIBASE}) {
            Class<?> type = DataSourceReplacer.Wrappers.load(tool, beanFactory);
            if (type != null && beanFactory.getBeanNamesForType(type, true, false).length > 0) {
                return true;
            }
        }
        return false;
    }

    /** What a context's kept bases are for: its configuration classes, locations and profiles. */
    private static String configurationOf(MergedContextConfiguration config) {
        return Arrays.stream(config.getClasses()).map(Class::getName).toList()
                + " " + Arrays.toString(config.getLocations())
                + " profiles " + Arrays.toString(config.getActiveProfiles());
    }

    /** {@code lakebase.spring.ignore-beans}: the context's property, else the JUnit configuration, else the environment. */
    private static Set<String> ignoredBeans(ConfigurableEnvironment environment) {
        String value = Optional.ofNullable(environment.getProperty(IGNORE_BEANS))
                .or(() -> TestBranches.currentContext().flatMap(c -> c.getConfigurationParameter(IGNORE_BEANS)))
                .or(() -> Optional.ofNullable(System.getenv("LAKEBASE_SPRING_IGNORE_BEANS")))
                .orElse("");
        Set<String> beans = new LinkedHashSet<>();
        Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(beans::add);
        return Set.copyOf(beans);
    }

    private static void register(BeanDefinitionRegistry registry, String name, RootBeanDefinition definition) {
        definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
        registry.registerBeanDefinition(name, definition);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LakebaseContextCustomizer that && declared.equals(that.declared);
    }

    @Override
    public int hashCode() {
        return declared.hashCode();
    }

    @Override
    public String toString() {
        return "LakebaseContextCustomizer[from = \"" + declared.from() + "\", migrations = " + declared.migrations()
                + "]";
    }
}
