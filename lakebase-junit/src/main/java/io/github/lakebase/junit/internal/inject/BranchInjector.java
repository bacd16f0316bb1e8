package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.branching.ManagedBranch;
import io.github.lakebase.junit.internal.inject.Declarations.ClassDeclaration;
import io.github.lakebase.junit.internal.inject.Declarations.Target;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Injection: which branch each field and parameter gets, and in which form ({@code DataSource},
 * {@code Connection} or {@code Branch}); one code path for static fields, instance fields and
 * parameters, all of them through {@link BranchStore}.
 *
 * <pre>{@code
 * BranchInjector.beforeEach(context);                          // the test's branch and instance fields
 * Object dataSource = BranchInjector.resolve(parameter, context);
 * }</pre>
 */
public final class BranchInjector {

    private BranchInjector() {}

    private static final List<Class<?>> INJECTABLE = List.of(DataSource.class, Connection.class, Branch.class);
    /** JUnit 5.12 and later resolve constructor parameters in the test method's context when asked to. */
    private static final boolean TEST_SCOPED_CONSTRUCTORS =
            classExists("org.junit.jupiter.api.extension.TestInstantiationAwareExtension");

    /** Creates the branches that the class declares for itself, and fills static fields. */
    public static void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Declarations.forClass(testClass)
                .filter(ClassDeclaration::perClass)
                .ifPresent(d ->
                        BranchStore.provide(new Target(d.spec(), Declarations.classContext(context, d.carrier()))));
        injectFields(context, testClass, null);
    }

    /** Creates the test's branch and fills instance fields of the test instance and enclosing instances. */
    public static void beforeEach(ExtensionContext context) {
        Declarations.governing(context).ifPresent(BranchStore::provide);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance.getClass(), instance);
        }
    }

    /** Whether this injector resolves the parameter. */
    public static boolean supports(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Optional<LakebaseBranch> own = Declarations.on(parameter.getParameter(), describe(parameter));
        if (own.isPresent() && !INJECTABLE.contains(type)) {
            throw new ExtensionConfigurationException("@LakebaseBranch cannot inject " + type.getName() + " into "
                    + describe(parameter) + ": the supported types are javax.sql.DataSource, java.sql.Connection and "
                    + Branch.class.getName() + ".");
        }
        if (!INJECTABLE.contains(type) || own.isEmpty() && Integrations.resolveParameter(parameter, context)) {
            return false;
        }
        return own.isPresent() || parameterTarget(parameter, context, false).isPresent();
    }

    /** Resolves a parameter to the branch (or its pool, or a connection) that governs it. */
    public static Object resolve(ParameterContext parameter, ExtensionContext context) {
        Target target = parameterTarget(parameter, context, true)
                .orElseThrow(
                        () -> new ParameterResolutionException("No @LakebaseBranch governs " + describe(parameter)));
        return value(parameter.getParameter().getType(), BranchStore.provide(target), context);
    }

    private static Optional<Target> parameterTarget(
            ParameterContext parameter, ExtensionContext context, boolean strict) {
        String where = describe(parameter);
        Optional<LakebaseBranch> own = Declarations.on(parameter.getParameter(), where);
        Executable executable = parameter.getDeclaringExecutable();
        Optional<LakebaseBranch> onExecutable = executable instanceof Method m
                        && !m.equals(context.getTestMethod().orElse(null))
                ? Declarations.on(m, "method " + m.getName())
                : Optional.empty();
        Optional<ClassDeclaration> cls = context.getTestClass().flatMap(Declarations::forClass);
        BranchSpec enclosing = onExecutable
                .map(a -> BranchSpec.of(
                        a, cls.map(ClassDeclaration::spec).orElse(null), "method " + executable.getName()))
                .orElse(null);
        if (own.isPresent() && !Declarations.bare(own.get())) {
            BranchSpec base = enclosing != null ? enclosing : inherited(context, cls);
            return Optional.of(new Target(BranchSpec.of(own.get(), base, where), context));
        }
        if (enclosing != null) {
            return Optional.of(new Target(enclosing, context));
        }
        Optional<Target> governing = Declarations.governing(context);
        if (governing.isPresent()) {
            return governing;
        }
        if (cls.isPresent()
                && strict
                && executable instanceof java.lang.reflect.Constructor
                && !TEST_SCOPED_CONSTRUCTORS
                && context.getTestInstanceLifecycle()
                        .filter(l -> l == org.junit.jupiter.api.TestInstance.Lifecycle.PER_METHOD)
                        .isPresent()) {
            throw new ExtensionConfigurationException(where + " asks for the per-method branch of "
                    + cls.get().carrier().getName() + ": constructor injection of a per-method branch needs JUnit "
                    + "Jupiter 5.12 or later, which resolves constructors in the test's context, and this run uses an "
                    + "older one. Upgrade JUnit, or inject into a field or a method parameter.");
        }
        if (cls.isPresent() && strict) {
            throw new ExtensionConfigurationException(where + " asks for the per-method branch of "
                    + cls.get().carrier().getName() + ", but there is no test method here (a @BeforeAll or @AfterAll "
                    + "method, or a constructor of a class with @TestInstance(PER_CLASS)). Use "
                    + "@LakebaseBranch(lifecycle = PER_CLASS) on the class, or move the parameter to a @BeforeEach "
                    + "method or the test method.");
        }
        if (cls.isPresent() && own.isEmpty()) {
            return Optional.of(new Target(cls.get().spec(), context));
        }
        return own.map(a -> new Target(BranchSpec.of(a, null, where), context));
    }

    private static void injectFields(ExtensionContext context, Class<?> type, Object instance) {
        boolean statics = instance == null;
        List<Field> fields = ReflectionSupport.findFields(
                type,
                f -> Modifier.isStatic(f.getModifiers()) == statics
                        && AnnotationSupport.isAnnotated(f, LakebaseBranch.class),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            String where = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
            if (Modifier.isFinal(field.getModifiers())) {
                throw new ExtensionConfigurationException(
                        "@LakebaseBranch cannot inject into the final " + where + "; remove 'final'.");
            }
            if (!INJECTABLE.contains(field.getType())) {
                throw new ExtensionConfigurationException("@LakebaseBranch cannot inject "
                        + field.getType().getName()
                        + " into " + where + ": the supported types are javax.sql.DataSource, java.sql.Connection and "
                        + Branch.class.getName() + ".");
            }
            LakebaseBranch own = Declarations.on(field, where).orElseThrow();
            Target target = fieldTarget(own, where, statics, context, type);
            Object value = value(field.getType(), BranchStore.provide(target), context);
            try {
                field.setAccessible(true);
                field.set(instance, value);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new ExtensionConfigurationException("@LakebaseBranch could not set " + where + ": " + e, e);
            }
        }
    }

    private static Target fieldTarget(
            LakebaseBranch own, String where, boolean statics, ExtensionContext context, Class<?> type) {
        Optional<ClassDeclaration> cls = Declarations.forClass(type);
        if (Declarations.bare(own)) {
            if (statics) {
                return cls.filter(ClassDeclaration::perClass)
                        .map(d -> new Target(d.spec(), Declarations.classContext(context, d.carrier())))
                        .orElseGet(() -> new Target(
                                BranchSpec.of(
                                        own, cls.map(ClassDeclaration::spec).orElse(null), where),
                                context));
            }
            return Declarations.governing(context)
                    .orElseGet(() -> new Target(BranchSpec.of(own, null, where), context));
        }
        // A named instance field inherits from what governs the test, exactly as a parameter of the same name
        // does, so that the two agree (a method's own declaration wins over the class's).
        BranchSpec base = statics ? cls.map(ClassDeclaration::spec).orElse(null) : inherited(context, cls);
        return new Target(BranchSpec.of(own, base, where), context);
    }

    /** The settings an injection point with its own declaration inherits: the governing branch's, else the class's. */
    private static BranchSpec inherited(ExtensionContext context, Optional<ClassDeclaration> cls) {
        return Declarations.governing(context)
                .map(Target::spec)
                .orElse(cls.map(ClassDeclaration::spec).orElse(null));
    }

    private static Object value(Class<?> type, ManagedBranch branch, ExtensionContext context) {
        if (type == Branch.class) {
            return branch;
        }
        if (type == DataSource.class) {
            return branch.dataSource();
        }
        try {
            // A connection of its own, not one of the pool's: a test that holds it can still use the DataSource
            // (however small the pool), and what it changes in its session never reaches other tests' connections.
            Connection connection = branch.openConnection();
            context.getStore(BranchStore.NAMESPACE).put(new Object(), new OpenConnection(connection));
            return connection;
        } catch (SQLException e) {
            throw new ParameterResolutionException(
                    "Could not open a connection to branch " + branch.name() + ": " + e.getMessage(), e);
        }
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, BranchInjector.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String describe(ParameterContext parameter) {
        Executable e = parameter.getDeclaringExecutable();
        // Without javac -parameters the name is arg0, arg1...: say which one by position and type instead.
        String parameterName = parameter.getParameter().isNamePresent()
                ? parameter.getParameter().getName()
                : "#" + (parameter.getIndex() + 1) + " ("
                        + parameter.getParameter().getType().getSimpleName() + ")";
        return "parameter " + parameterName + " of "
                + e.getDeclaringClass().getSimpleName()
                + (e instanceof Method ? "." + e.getName() + "()" : " (constructor)");
    }

    /** A connection injected for one scope, closed at its end. */
    @SuppressWarnings("deprecation")
    private record OpenConnection(Connection connection)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
