package io.github.lakebase.junit.integration;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes whose declarations a test class sees: itself, then each class around it for a
 * {@code @Nested} (inner, non-static) class, outwards. The one place that walks that chain, for the
 * library and the frameworks built on it.
 *
 * <pre>{@code
 * for (Class<?> c : TestClasses.outwards(OrderTest.Cancelled.class)) {   // Cancelled, then OrderTest
 *     ...
 * }
 * }</pre>
 */
public final class TestClasses {

    private TestClasses() {}

    /**
     * {@code testClass} and the classes enclosing it, innermost first, as far as JUnit nests them.
     *
     * @param testClass a test class
     * @return at least {@code testClass}
     */
    public static List<Class<?>> outwards(Class<?> testClass) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = testClass; c != null; c = enclosing(c)) {
            chain.add(c);
        }
        return List.copyOf(chain);
    }

    /**
     * The class around a {@code @Nested} class, or {@code null} for a top-level or static nested class.
     *
     * @param testClass a test class
     * @return the enclosing class whose instance it belongs to, or {@code null}
     */
    public static Class<?> enclosing(Class<?> testClass) {
        return testClass.getEnclosingClass() != null && !Modifier.isStatic(testClass.getModifiers())
                ? testClass.getEnclosingClass()
                : null;
    }
}
