package io.github.lakebase.junit.spring;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Tells a test's application context when it has started, so that its {@code DataSource} stops
 * routing to the base that start-up runs on and routes to test branches instead; and binds each
 * test's branch to the context for threads of the application. Registered in
 * {@code META-INF/spring.factories}; runs before dependency injection and before transactions start.
 */
public class LakebaseTestExecutionListener extends AbstractTestExecutionListener {

    /** Before {@code DependencyInjectionTestExecutionListener} (2000) and every listener that uses the database. */
    public static final int ORDER = 1900;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void beforeTestClass(TestContext testContext) {
        if (testContext.hasApplicationContext()) {
            started(testContext.getApplicationContext());
        }
    }

    @Override
    public void prepareTestInstance(TestContext testContext) {
        started(testContext.getApplicationContext());
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        ContextBranches branches = branches(testContext.getApplicationContext());
        if (branches != null) {
            branches.started();
            branches.bindCurrentTest();
        }
    }

    private static void started(ApplicationContext context) {
        ContextBranches branches = branches(context);
        if (branches != null) {
            branches.started();
        }
    }

    private static ContextBranches branches(ApplicationContext context) {
        return context.getBeanProvider(ContextBranches.class).getIfAvailable();
    }
}
