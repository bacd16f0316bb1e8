package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.integration.TestClasses;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Finds the {@link LakebaseBranch} declaration that governs a test and decides where the branch
 * lives: which {@link ExtensionContext}'s store holds it, and so how long it lives.
 */
final class Declarations {

    private Declarations() {}

    /**
     * A branch to provide: what it is and the context whose store holds it. The key is derived from
     * the holding context's unique id and the branch name, so that inherited and {@code @Nested}
     * classes never create a branch twice and per-method branches never shadow per-class ones.
     */
    record Target(BranchSpec spec, ExtensionContext holder) {

        Object key() {
            return new Key(holder.getUniqueId(), spec.name());
        }

        private record Key(String holder, String name) {}
    }

    /** A class-level declaration and the class in the context chain that carries it. */
    record ClassDeclaration(LakebaseBranch annotation, Class<?> carrier, BranchSpec spec) {

        boolean perClass() {
            return annotation.lifecycle() == Lifecycle.PER_CLASS;
        }
    }

    /**
     * The declaration on {@code testClass}, its superclasses, or the classes enclosing a nested class. A
     * {@code @Nested} class's own declaration takes what it leaves unset from the enclosing class's, as a
     * method's declaration does from its class's.
     */
    static Optional<ClassDeclaration> forClass(Class<?> testClass) {
        for (Class<?> c : TestClasses.outwards(testClass)) {
            Optional<LakebaseBranch> found = AnnotationSupport.findAnnotation(c, LakebaseBranch.class);
            if (found.isPresent()) {
                Class<?> outer = TestClasses.enclosing(c);
                BranchSpec inherited = outer == null
                        ? null
                        : forClass(outer).map(ClassDeclaration::spec).orElse(null);
                return Optional.of(new ClassDeclaration(
                        found.get(), c, BranchSpec.of(found.get(), inherited, "class " + c.getName())));
            }
        }
        return Optional.empty();
    }

    /** The annotation on a method, field or parameter, validated for use there. */
    static Optional<LakebaseBranch> on(AnnotatedElement element, String where) {
        Optional<LakebaseBranch> found = AnnotationSupport.findAnnotation(element, LakebaseBranch.class);
        found.ifPresent(a -> {
            if (a.lifecycle() != Lifecycle.PER_METHOD) {
                throw new ExtensionConfigurationException(
                        "@LakebaseBranch(lifecycle = " + a.lifecycle() + ") on " + where
                                + ": lifecycle is meaningful only on a class. A method, parameter or instance field gets a "
                                + "branch per test; a static field one per class. Remove lifecycle here, or move the "
                                + "annotation to the class.");
            }
        });
        return found;
    }

    /** Whether the annotation only marks an injection point, asking for nothing of its own. */
    static boolean bare(LakebaseBranch a) {
        return a.name().isEmpty()
                && a.from().isEmpty()
                && a.migrations().length == 0
                && a.asOf().isEmpty()
                && a.cleanup() == CleanupMode.DEFAULT
                && a.lifecycle() == Lifecycle.PER_METHOD;
    }

    /**
     * The branch that governs {@code context}: the test method's own declaration, else the class's
     * (per method or per class), or empty when there is none or when a per-method branch is asked for
     * outside a test method.
     */
    static Optional<Target> governing(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        Optional<ClassDeclaration> cls = context.getTestClass().flatMap(Declarations::forClass);
        if (method.isPresent()) {
            Optional<LakebaseBranch> own =
                    on(method.get(), "method " + method.get().getName());
            if (own.isPresent()) {
                return Optional.of(new Target(
                        BranchSpec.of(
                                own.get(),
                                cls.map(ClassDeclaration::spec).orElse(null),
                                "method " + method.get().getName()),
                        context));
            }
        }
        if (cls.isEmpty()) {
            return Optional.empty();
        }
        ClassDeclaration d = cls.get();
        if (d.perClass()) {
            return Optional.of(new Target(d.spec(), classContext(context, d.carrier())));
        }
        return method.isPresent() ? Optional.of(new Target(d.spec(), context)) : Optional.empty();
    }

    /** The context of {@code testClass} among {@code context} and its ancestors. */
    static ExtensionContext classContext(ExtensionContext context, Class<?> testClass) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestMethod().isEmpty()
                    && c.getTestClass().filter(testClass::equals).isPresent()) {
                return c;
            }
        }
        return context;
    }
}
