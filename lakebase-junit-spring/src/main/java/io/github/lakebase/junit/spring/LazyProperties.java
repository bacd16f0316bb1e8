package io.github.lakebase.junit.spring;

import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.env.PropertySource;

/**
 * Properties whose values are worked out when they are read, not when the context is customized: the
 * JPA schema default depends on the beans the application defines, and the connection details of the
 * staged base exist once start-up needs them. A value of {@code null} leaves the key to other sources.
 */
final class LazyProperties extends PropertySource<Map<String, Supplier<Object>>> {

    LazyProperties(String name, Map<String, Supplier<Object>> values) {
        super(name, Map.copyOf(values));
    }

    @Override
    public Object getProperty(String name) {
        Supplier<Object> value = getSource().get(name);
        return value == null ? null : value.get();
    }

    @Override
    public boolean containsProperty(String name) {
        return getProperty(name) != null;
    }
}
