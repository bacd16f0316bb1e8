package io.github.lakebase.benchmarks.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * Marks when JUnit begins a test: before it creates the test's instance, which it does before it reports
 * the test as started. A Spring test's instance is where its application context starts and its fields
 * are injected, so that a test that starts a new context ({@code @DirtiesContext}) pays for it there;
 * {@link TimingListener} takes this mark as the test's start.
 *
 * <pre>{@code
 * @ExtendWith({CellBudget.class, TestStart.class})
 * class SomeSuite { ... }
 * }</pre>
 */
public final class TestStart implements TestInstancePreConstructCallback {

    private static final ThreadLocal<Long> MARK = new ThreadLocal<>();

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        MARK.set(System.nanoTime());
    }

    /** The mark of the test this thread begins, which it clears, or 0 when there is none. */
    static long take() {
        Long mark = MARK.get();
        MARK.remove();
        return mark == null ? 0 : mark;
    }
}
