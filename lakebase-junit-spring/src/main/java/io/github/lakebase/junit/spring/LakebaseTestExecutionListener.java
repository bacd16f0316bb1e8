package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Tells a test's application context when it has started, so that its {@code DataSource} beans stop
 * routing to the bases that start-up runs on and route to test branches instead; binds each test's
 * branches to the context for threads of the application; and adds to a failed test what such a
 * thread could not tell while it ran (whose branch to use, when tests ran in parallel), so that the
 * test's own failure explains an error the application swallowed (a {@code 500} of a
 * {@code RANDOM_PORT} server). Registered in {@code META-INF/spring.factories}; runs before dependency
 * injection and before transactions start.
 */
public class LakebaseTestExecutionListener extends AbstractTestExecutionListener {

    /** Before {@code DependencyInjectionTestExecutionListener} (2000) and every listener that uses the database. */
    public static final int ORDER = 1900;

    private static final String BOUND = LakebaseTestExecutionListener.class.getName() + ".branches";

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
        branches(testContext).ifPresent(ContextBranches::started);
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        branches(testContext).ifPresent(branches -> {
            branches.started();
            testContext.setAttribute(BOUND, branches.bindCurrentTest());
        });
    }

    @Override
    public void afterTestMethod(TestContext testContext) {
        Object bound = testContext.removeAttribute(BOUND);
        Throwable failure = testContext.getTestException();
        if (failure == null || !(bound instanceof List<?> list) || !testContext.hasApplicationContext()) {
            return;
        }
        ContextBranches branches = branches(testContext).orElse(null);
        if (branches == null) {
            return;
        }
        List<Branch> own = list.stream()
                .filter(Branch.class::isInstance)
                .map(Branch.class::cast)
                .toList();
        for (String message : branches.ambiguitiesOf(own)) {
            failure.addSuppressed(
                    new IllegalStateException("While this test ran, a thread of the application failed: " + message));
        }
    }

    private static void started(ApplicationContext context) {
        ContextBranches branches =
                context.getBeanProvider(ContextBranches.class).getIfAvailable();
        if (branches != null) {
            branches.started();
        }
    }

    private static Optional<ContextBranches> branches(TestContext testContext) {
        return ContextBranches.of(testContext.getTestClass(), testContext::getApplicationContext);
    }
}
