package io.github.lakebase.junit.spring;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;

/**
 * Replaces the definition of every {@code DataSource} bean that holds connections of its own (Boot's
 * auto-configured one, or the application's own) by a routing one, before any of them is created: the
 * application's connection settings are never used, so its database is never reached. Each such bean
 * gets a route of its own (a branch named after it when there are several). Wrappers that delegate to
 * another {@code DataSource} bean are left as they are, and so follow their targets; beans listed in
 * {@code lakebase.spring.ignore-beans} are left alone. R2DBC {@code ConnectionFactory} beans route to the
 * branch of the context's only or primary {@code DataSource}. Runs after configuration classes are
 * processed, and registers a {@code DataSource} when the application defines none.
 */
final class DataSourceReplacer implements BeanDefinitionRegistryPostProcessor, Ordered {

    static final String DEFAULT_NAME = "dataSource";
    static final String R2DBC_CONNECTION_FACTORY = "io.r2dbc.spi.ConnectionFactory";

    private final ContextBranches branches;
    private final Set<String> ignored;

    DataSourceReplacer(ContextBranches branches, Set<String> ignored) {
        this.branches = branches;
        this.ignored = ignored;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
            throw new IllegalStateException("lakebase-junit-spring cannot replace the DataSource beans of a context "
                    + "whose bean factory is a " + registry.getClass().getName());
        }
        String[] names = beanFactory.getBeanNamesForType(DataSource.class, true, false);
        checkIgnored(names);
        List<String> routed = new ArrayList<>();
        String primary = null;
        for (String name : names) {
            if (ignored.contains(name) || Wrappers.delegates(beanFactory, name, DataSource.class)) {
                continue;
            }
            routed.add(name);
            if (registry.getBeanDefinition(name).isPrimary() && primary == null) {
                primary = name;
            }
        }
        branches.configure(routed, primary);
        for (String name : routed) {
            BeanRoute route = branches.routeOf(name);
            replace(
                    registry,
                    beanFactory,
                    name,
                    BranchRoutingDataSource.class,
                    () -> new BranchRoutingDataSource(route));
        }
        if (names.length == 0 && !registry.containsBeanDefinition(DEFAULT_NAME)) {
            BeanRoute route = branches.defaultRoute();
            RootBeanDefinition definition =
                    definition(BranchRoutingDataSource.class, () -> new BranchRoutingDataSource(route));
            definition.setPrimary(true);
            registry.registerBeanDefinition(DEFAULT_NAME, definition);
        }
        replaceConnectionFactories(registry, beanFactory);
        branches.stageEarly(beanFactory, LakebaseContextCustomizer.managesSchema(beanFactory));
    }

    private void replaceConnectionFactories(BeanDefinitionRegistry registry, ConfigurableListableBeanFactory factory) {
        Class<?> type = Wrappers.load(R2DBC_CONNECTION_FACTORY, factory);
        if (type == null) {
            return;
        }
        for (String name : factory.getBeanNamesForType(type, true, false)) {
            if (!ignored.contains(name) && !Wrappers.delegates(factory, name, type)) {
                BeanRoute route = branches.defaultRoute();
                replace(
                        registry,
                        factory,
                        name,
                        BranchRoutingConnectionFactory.class,
                        () -> new BranchRoutingConnectionFactory(route));
            }
        }
    }

    private void checkIgnored(String[] dataSources) {
        Set<String> unknown = new LinkedHashSet<>(ignored);
        unknown.removeAll(Arrays.asList(dataSources));
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("lakebase.spring.ignore-beans names " + unknown + ", which "
                    + (unknown.size() == 1 ? "is" : "are") + " no DataSource bean of " + branches.description()
                    + ". Its DataSource beans are " + Arrays.toString(dataSources) + ": list only those to leave "
                    + "on their own database.");
        }
    }

    /** Replaces a bean's definition, keeping what makes it injectable where the application injects it. */
    private static <T> void replace(
            BeanDefinitionRegistry registry,
            ConfigurableListableBeanFactory factory,
            String name,
            Class<T> type,
            Supplier<T> supplier) {
        BeanDefinition original = registry.getBeanDefinition(name);
        RootBeanDefinition definition = definition(type, supplier);
        definition.setPrimary(original.isPrimary());
        definition.setAutowireCandidate(original.isAutowireCandidate());
        if (original instanceof AbstractBeanDefinition abstractOriginal) {
            definition.setDefaultCandidate(abstractOriginal.isDefaultCandidate());
            definition.setFallback(abstractOriginal.isFallback());
        }
        // @Qualifier on the @Bean method (or the class) still qualifies the bean.
        AnnotatedElement qualified = Wrappers.declaringElement(factory, original);
        if (qualified != null) {
            definition.setQualifiedElement(qualified);
        }
        registry.removeBeanDefinition(name);
        registry.registerBeanDefinition(name, definition);
    }

    private static <T> RootBeanDefinition definition(Class<T> type, Supplier<T> supplier) {
        RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
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

    /** What tells a bean that delegates to another bean of its type from one that connects on its own. */
    static final class Wrappers {

        /** Spring's wrappers of a {@code DataSource} or {@code ConnectionFactory} bean: they delegate to a target. */
        private static final List<String> WRAPPER_TYPES = List.of(
                "org.springframework.jdbc.datasource.DelegatingDataSource",
                "org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource",
                "org.springframework.r2dbc.connection.DelegatingConnectionFactory",
                "org.springframework.r2dbc.connection.lookup.AbstractRoutingConnectionFactory");

        private Wrappers() {}

        /**
         * Whether the bean wraps another bean of {@code type}: it is one of Spring's wrapper types, or the
         * {@code @Bean} method that makes it takes a {@code type} (or a provider of one) as a parameter.
         */
        static boolean delegates(ConfigurableListableBeanFactory factory, String name, Class<?> type) {
            Class<?> beanType = factory.getType(name, false);
            if (beanType != null) {
                for (String wrapper : WRAPPER_TYPES) {
                    Class<?> wrapperType = load(wrapper, factory);
                    if (wrapperType != null && wrapperType.isAssignableFrom(beanType)) {
                        return true;
                    }
                }
            }
            AnnotatedElement element = declaringElement(factory, factory.getBeanDefinition(name));
            if (element instanceof Method method) {
                for (var parameter : method.getParameters()) {
                    String generic = parameter.getParameterizedType().getTypeName();
                    if (type.isAssignableFrom(parameter.getType()) || generic.contains("<" + type.getName() + ">")) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The {@code @Bean} method, or else the class, that declares a bean; {@code null} when unknown. */
        static AnnotatedElement declaringElement(ConfigurableListableBeanFactory factory, BeanDefinition definition) {
            if (definition instanceof RootBeanDefinition root && root.getResolvedFactoryMethod() != null) {
                return root.getResolvedFactoryMethod();
            }
            String method = definition.getFactoryMethodName();
            if (method != null) {
                String declaring = definition.getFactoryBeanName() != null
                        ? typeName(factory, definition.getFactoryBeanName())
                        : definition.getBeanClassName();
                Class<?> declaringClass = declaring == null ? null : load(declaring, factory);
                if (declaringClass == null) {
                    return null;
                }
                return Arrays.stream(org.springframework.util.ReflectionUtils.getUniqueDeclaredMethods(declaringClass))
                        .filter(m -> m.getName().equals(method))
                        .findFirst()
                        .orElse(null);
            }
            return definition.getBeanClassName() == null ? null : load(definition.getBeanClassName(), factory);
        }

        private static String typeName(ConfigurableListableBeanFactory factory, String bean) {
            Class<?> type = factory.getType(bean, false);
            return type == null
                    ? null
                    : org.springframework.util.ClassUtils.getUserClass(type).getName();
        }

        static Class<?> load(String name, ConfigurableListableBeanFactory factory) {
            try {
                return org.springframework.util.ClassUtils.forName(name, factory.getBeanClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return null;
            }
        }
    }
}
