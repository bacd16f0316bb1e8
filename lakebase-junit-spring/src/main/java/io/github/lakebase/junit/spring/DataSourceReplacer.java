package io.github.lakebase.junit.spring;

import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;

/**
 * Replaces the definition of every {@code DataSource} bean (Boot's auto-configured one, or the
 * application's own) by the routing one, before any of them is created: the application's
 * connection settings are never used, so its database is never reached. Runs after configuration
 * classes are processed, and registers a {@code DataSource} when the application defines none.
 */
final class DataSourceReplacer implements BeanDefinitionRegistryPostProcessor, Ordered {

    static final String DEFAULT_NAME = "dataSource";

    private final BranchRoutingDataSource routing;

    DataSourceReplacer(BranchRoutingDataSource routing) {
        this.routing = routing;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
            throw new IllegalStateException("lakebase-junit-spring cannot replace the DataSource beans of a context "
                    + "whose bean factory is a " + registry.getClass().getName());
        }
        String[] names = beanFactory.getBeanNamesForType(DataSource.class, true, false);
        for (String name : names) {
            BeanDefinition original = registry.getBeanDefinition(name);
            registry.removeBeanDefinition(name);
            registry.registerBeanDefinition(name, definition(original.isPrimary()));
        }
        if (names.length == 0 && !registry.containsBeanDefinition(DEFAULT_NAME)) {
            registry.registerBeanDefinition(DEFAULT_NAME, definition(true));
        }
    }

    private RootBeanDefinition definition(boolean primary) {
        RootBeanDefinition definition = new RootBeanDefinition(BranchRoutingDataSource.class, () -> routing);
        definition.setPrimary(primary);
        definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
        // The pools belong to the branches, which end with their tests: the context must not close them.
        definition.setDestroyMethodName(null);
        return definition;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        // all done on the registry
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
