package io.github.lakebase.junit.spring;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * Refuses a wrapper {@code DataSource} bean (left as it is, to follow its target) whose target is no
 * {@code DataSource} bean of the context but one the application made itself: that target was never
 * replaced, and would connect to the application's own database.
 */
final class WrapperGuard implements BeanPostProcessor {

    private final Set<String> ignored;
    private final String description;
    /** The ignored beans, as the context created them: a wrapper may follow one of them. */
    private final Set<Object> ignoredInstances = Collections.newSetFromMap(new IdentityHashMap<>());

    WrapperGuard(Set<String> ignored, String description) {
        this.ignored = ignored;
        this.description = description;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (ignored.contains(name)) {
            synchronized (ignoredInstances) {
                ignoredInstances.add(bean);
            }
            return bean;
        }
        if (bean instanceof DelegatingDataSource delegating) {
            check(name, bean, delegating.getTargetDataSource());
        } else if (bean instanceof AbstractRoutingDataSource routing) {
            for (DataSource target : routing.getResolvedDataSources().values()) {
                check(name, bean, target);
            }
        }
        return bean;
    }

    private void check(String name, Object wrapper, DataSource target) {
        DataSource inner = target;
        while (inner instanceof DelegatingDataSource delegating && !(inner instanceof BranchRoutingDataSource)) {
            inner = delegating.getTargetDataSource();
        }
        if (inner == null || inner instanceof BranchRoutingDataSource || isIgnoredBean(inner)) {
            return;
        }
        throw new IllegalStateException("The DataSource bean '" + name + "' of " + description + " is a "
                + wrapper.getClass().getSimpleName() + " whose target, a "
                + inner.getClass().getName()
                + ", is no DataSource bean of the context: lakebase-junit-spring cannot route it to the test's "
                + "branch, and it would connect to the application's own database. Declare the target as a @Bean "
                + "(the wrapper then follows its branch), or list '" + name + "' in lakebase.spring.ignore-beans "
                + "to leave it on its own database on purpose.");
    }

    private boolean isIgnoredBean(DataSource target) {
        synchronized (ignoredInstances) {
            return ignoredInstances.contains(target);
        }
    }
}
