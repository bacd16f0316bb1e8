package io.github.lakebase.junit;

import io.github.lakebase.junit.internal.inject.Availability;
import io.github.lakebase.junit.internal.inject.BranchInjector;
import io.github.lakebase.junit.internal.inject.FailureTracker;
import io.github.lakebase.junit.internal.inject.RunningTests;
import java.util.Optional;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The JUnit Jupiter extension behind {@link LakebaseBranch}; registered by the annotation, so tests
 * never name it.
 *
 * <pre>{@code
 * @LakebaseBranch(lifecycle = LakebaseBranch.Lifecycle.PER_CLASS)
 * class ReportTest {
 *     @LakebaseBranch static DataSource shared;     // one branch for the whole class
 * }
 * }</pre>
 *
 * <p>Branches live in the {@link ExtensionContext.Store} of the context that owns them (the class
 * for a per-class branch, the test for a per-method one), so JUnit destroys them at the end of that
 * scope, also when tests run in parallel. Static fields are filled before all tests, instance fields
 * before each test, and parameters on demand, all through one code path.
 */
public class LakebaseBranchExtension
        implements BeforeAllCallback,
                BeforeEachCallback,
                AfterEachCallback,
                AfterAllCallback,
                ParameterResolver,
                ExecutionCondition,
                TestInstancePreConstructCallback,
                TestWatcher {

    /**
     * Starts the class's provider in the background when the class has one test instance for all its tests ({@code
     * PER_CLASS}), which JUnit makes, and a Spring context loads for, before the class's {@code beforeAll}
     * callbacks: as there, only once the class has passed its conditions.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        if (context.getTestInstanceLifecycle()
                .filter(Lifecycle.PER_CLASS::equals)
                .isPresent()) {
            Availability.startEarly(context);
        }
    }

    /**
     * Starts the class's provider in the background (the embedded server), unless a launcher's discovery began it,
     * so that the start goes on while the class sets itself up ({@code @BeforeAll} methods, a Spring context); then
     * creates a class-wide branch and fills static fields. This is the library's first callback of the class after
     * its conditions (JUnit's {@code @EnabledIf...} annotations, a project's own), unless it has one instance for all
     * its tests: a class that one of them turns off starts nothing. JUnit calls the {@code beforeAll} callbacks of the
     * extensions registered before this one first ({@code @Testcontainers}' starts its containers there): where no
     * launcher's discovery started the provider, declaring {@code @LakebaseBranch} first lets its start overlap theirs.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        RunningTests.enter(context);
        Availability.startEarly(context);
        BranchInjector.beforeAll(context);
    }

    /** Creates the test's branch and fills instance fields. */
    @Override
    public void beforeEach(ExtensionContext context) {
        RunningTests.enter(context);
        BranchInjector.beforeEach(context);
    }

    /** Notes a failure for per-class branches with {@link CleanupMode#ON_SUCCESS}. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            FailureTracker.noteFailure(context);
        }
    }

    /**
     * Notes a failure of a class (for example of a {@code @Nested} class's {@code @AfterAll} method) for the
     * per-class branches of the classes around it.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            FailureTracker.noteFailure(context);
        }
    }

    /**
     * Notes a failed test for per-class branches, also a test that failed before its callbacks ran (in its
     * constructor or the constructor of a {@code @Nested} class).
     */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        FailureTracker.noteFailure(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return BranchInjector.supports(parameterContext, extensionContext);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return BranchInjector.resolve(parameterContext, extensionContext);
    }

    /**
     * Constructor parameters are resolved in the test method's context (JUnit 5.12 and later), so that
     * a constructor gets the same per-method branch as the test.
     */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    /**
     * Enters the test on the thread that runs it, and skips the tests, with the reason, when {@code
     * lakebase.disabled-when-unavailable=true} and the provider cannot work here (no Docker engine, no
     * credentials).
     *
     * <p>This is the earliest callback of a test, on the thread that runs it: from here on, components that
     * other extensions call (a Spring context's {@code DataSource}) find the test's branch. It starts nothing:
     * another condition of the class may yet turn it off ({@link #beforeAll} starts the provider).
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        RunningTests.enter(context);
        Optional<String> unavailable = Availability.unavailableReason(context);
        if (unavailable.isPresent()) {
            return ConditionEvaluationResult.disabled("lakebase-junit: " + unavailable.get());
        }
        return ConditionEvaluationResult.enabled("lakebase-junit provider available");
    }
}
