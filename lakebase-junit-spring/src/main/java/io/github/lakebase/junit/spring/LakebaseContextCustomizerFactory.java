package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.TestBranches;
import io.github.lakebase.junit.integration.TestClasses;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Gives the application context of every Spring test that uses {@code @LakebaseBranch} (on the class,
 * a class around it, a superclass, a method or a field) branches instead of its configured database.
 * Registered in {@code META-INF/spring.factories}, so that nothing but the dependency is needed:
 *
 * <pre>{@code
 * @SpringBootTest
 * @LakebaseBranch
 * class InventoryServiceTest {
 *     @Autowired InventoryRepository repository;   // talks to this test's branch
 * }
 * }</pre>
 */
public class LakebaseContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        if (!usesBranches(testClass)) {
            return null;
        }
        return new LakebaseContextCustomizer(TestBranches.declaredOn(testClass).orElse(BaseSpec.DEFAULTS));
    }

    /** Whether {@code @LakebaseBranch} appears on the class, the classes around it, or its members. */
    static boolean usesBranches(Class<?> testClass) {
        for (Class<?> c : TestClasses.outwards(testClass)) {
            if (annotated(c)) {
                return true;
            }
            List<AnnotatedElement> members = new ArrayList<>();
            for (Class<?> t = c; t != null && t != Object.class; t = t.getSuperclass()) {
                members.addAll(List.of(t.getDeclaredFields()));
                members.addAll(List.of(t.getDeclaredMethods()));
                for (var method : t.getDeclaredMethods()) {
                    members.addAll(List.of(method.getParameters()));
                }
                for (var constructor : t.getDeclaredConstructors()) {
                    members.addAll(List.of(constructor.getParameters()));
                }
            }
            if (members.stream().anyMatch(LakebaseContextCustomizerFactory::annotated)) {
                return true;
            }
        }
        return false;
    }

    private static boolean annotated(AnnotatedElement element) {
        return MergedAnnotations.from(element, SearchStrategy.TYPE_HIERARCHY).isPresent(LakebaseBranch.class);
    }
}
