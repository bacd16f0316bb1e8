package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.integration.BaseSpec;
import java.util.Map;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Makes a test's application context use branches: its {@code DataSource} beans route to the
 * current test's branch, a {@code Branch} bean is the current test's branch, and Boot's test
 * database replacement stays off.
 *
 * <p>Equality comes from static annotation data only (the class's {@code from} and {@code
 * migrations}), so that Spring's context cache shares one context among all test classes of the
 * same configuration and base.
 */
final class LakebaseContextCustomizer implements ContextCustomizer {

    static final String PROPERTY_SOURCE = "lakebase-junit";

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
        // @DataJpaTest and @JdbcTest would replace the DataSource with an embedded H2 (and fail without one).
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(PROPERTY_SOURCE, Map.of("spring.test.database.replace", "none")));
        ContextBranches branches = new ContextBranches(
                declared, "the application context of " + config.getTestClass().getName());
        BranchRoutingDataSource routing = new BranchRoutingDataSource(branches);
        register(registry, "lakebaseContextBranches", new RootBeanDefinition(ContextBranches.class, () -> branches));
        register(
                registry,
                "lakebaseDataSourceReplacer",
                new RootBeanDefinition(DataSourceReplacer.class, () -> new DataSourceReplacer(routing)));
        register(
                registry,
                "lakebaseBranch",
                new RootBeanDefinition(RoutingBranch.class, () -> new RoutingBranch(branches)));
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
