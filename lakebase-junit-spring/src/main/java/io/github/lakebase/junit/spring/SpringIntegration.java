package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.TestClasses;
import io.github.lakebase.junit.integration.TestIntegration;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.ParameterResolutionDelegate;
import org.springframework.test.context.TestConstructor;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Connects {@code @LakebaseBranch} to the application contexts of Spring tests: test branches are
 * forked from the bases the context's start-up ran on (one per {@code DataSource} bean), and parameters that Spring autowires are left
 * to Spring. Found by the library with {@link java.util.ServiceLoader}.
 */
public final class SpringIntegration implements TestIntegration {

    /** Whether each test class is a Spring test, found once per class: it is asked for every test's branch. */
    private static final ClassValue<Boolean> SPRING_TESTS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> testClass) {
            return extendedWithSpring(testClass);
        }
    };

    @Override
    public Optional<String> forkSource(ExtensionContext holder, String branchName, BaseSpec base) {
        if (!isSpringTest(holder.getRequiredTestClass())) {
            return Optional.empty();
        }
        return ContextBranches.of(holder.getRequiredTestClass(), () -> SpringExtension.getApplicationContext(holder))
                .flatMap(branches -> branches.forkSource(holder, branchName, base));
    }

    @Override
    public boolean resolvesParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (!isSpringTest(testClass)) {
            return false;
        }
        if (ParameterResolutionDelegate.isAutowirable(parameter.getParameter(), parameter.getIndex())) {
            return true;
        }
        // A constructor that Spring autowires as a whole: @Autowired, or @TestConstructor(autowireMode = ALL).
        return parameter.getDeclaringExecutable() instanceof Constructor<?> constructor
                && (constructor.isAnnotationPresent(Autowired.class)
                        || AnnotationSupport.findAnnotation(testClass, TestConstructor.class)
                                .filter(t -> t.autowireMode() == TestConstructor.AutowireMode.ALL)
                                .isPresent());
    }

    /**
     * Whether {@code SpringExtension} runs the class's tests (declared on it, a superclass or a class around it).
     */
    static boolean isSpringTest(Class<?> testClass) {
        return SPRING_TESTS.get(testClass);
    }

    private static boolean extendedWithSpring(Class<?> testClass) {
        for (Class<?> c : TestClasses.outwards(testClass)) {
            boolean spring = AnnotationSupport.findRepeatableAnnotations(c, ExtendWith.class).stream()
                    .anyMatch(e -> List.of(e.value()).contains(SpringExtension.class));
            if (spring) {
                return true;
            }
        }
        return false;
    }
}
