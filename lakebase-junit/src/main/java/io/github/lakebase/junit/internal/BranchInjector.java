package io.github.lakebase.junit.internal;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.Declarations.ClassDeclaration;
import io.github.lakebase.junit.internal.Declarations.Target;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The machinery behind {@link io.github.lakebase.junit.LakebaseBranchExtension}: one code path for
 * fields, parameters and eager creation, with branches kept in the JUnit store of the context that
 * owns them so that JUnit closes them at the end of their scope.
 */
public final class BranchInjector {

    static final Namespace NAMESPACE = Namespace.create(BranchInjector.class);
    private static final List<Class<?>> INJECTABLE = List.of(DataSource.class, Connection.class, Branch.class);
    /** JUnit 5.12 and later resolve constructor parameters in the test method's context when asked to. */
    private static final boolean TEST_SCOPED_CONSTRUCTORS =
            classExists("org.junit.jupiter.api.extension.TestInstantiationAwareExtension");

    /** Creates the branches that the class declares for itself, and fills static fields. */
    public void beforeAll(ExtensionContext context) {
        TestBranches.enter(context);
        Class<?> testClass = context.getRequiredTestClass();
        Optional<ClassDeclaration> declaration = Declarations.forClass(testClass);
        declaration
                .filter(ClassDeclaration::perClass)
                .ifPresent(d -> provide(new Target(d.spec(), Declarations.classContext(context, d.carrier()))));
        injectFields(context, testClass, null);
    }

    /** Creates the test's branch and fills instance fields of the test instance and enclosing instances. */
    public void beforeEach(ExtensionContext context) {
        TestBranches.enter(context);
        Declarations.governing(context).ifPresent(BranchInjector::provide);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance.getClass(), instance);
        }
    }

    /** Remembers a failed test in the per-class branches above it, for {@link CleanupMode#ON_SUCCESS}. */
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            noteFailure(context);
        }
    }

    /**
     * Remembers a failed class (a failing {@code @BeforeAll} or {@code @AfterAll} of a {@code @Nested} class)
     * in the per-class branches of the classes around it.
     */
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            noteFailure(context);
        }
    }

    /** Remembers that {@code context} failed, in the per-class branches of it and of its ancestors. */
    public void noteFailure(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestMethod().isPresent()) {
                continue; // only class contexts hold a flag; a test's own store may be closed already
            }
            AtomicBoolean failed = c.getStore(NAMESPACE).get(new FailedKey(c.getUniqueId()), AtomicBoolean.class);
            if (failed != null) {
                failed.set(true);
            }
        }
    }

    /** Whether this injector resolves the parameter. */
    public boolean supports(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Optional<LakebaseBranch> own = Declarations.on(parameter.getParameter(), describe(parameter));
        if (own.isPresent() && !INJECTABLE.contains(type)) {
            throw new ExtensionConfigurationException("@LakebaseBranch cannot inject " + type.getName() + " into "
                    + describe(parameter) + ": the supported types are javax.sql.DataSource, java.sql.Connection and "
                    + Branch.class.getName() + ".");
        }
        if (!INJECTABLE.contains(type) || own.isEmpty() && TestBranches.resolvedElsewhere(parameter, context)) {
            return false;
        }
        return own.isPresent() || parameterTarget(parameter, context, false).isPresent();
    }

    /** Resolves a parameter to the branch (or its pool, or a connection) that governs it. */
    public Object resolve(ParameterContext parameter, ExtensionContext context) {
        Target target = parameterTarget(parameter, context, true)
                .orElseThrow(
                        () -> new ParameterResolutionException("No @LakebaseBranch governs " + describe(parameter)));
        return value(parameter.getParameter().getType(), provide(target), context);
    }

    private Optional<Target> parameterTarget(ParameterContext parameter, ExtensionContext context, boolean strict) {
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

    private void injectFields(ExtensionContext context, Class<?> type, Object instance) {
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
            Object value = value(field.getType(), provide(target), context);
            try {
                field.setAccessible(true);
                field.set(instance, value);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new ExtensionConfigurationException("@LakebaseBranch could not set " + where + ": " + e, e);
            }
        }
    }

    private Target fieldTarget(
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

    /** The branch for {@code target}, created in its holder's store unless it exists. */
    static ManagedBranch provide(Target target) {
        ExtensionContext holder = target.holder();
        ExtensionContext.Store store = holder.getStore(NAMESPACE);
        Slot slot = store.getOrComputeIfAbsent(target.key(), key -> create(target), Slot.class);
        if (!slot.spec().equals(target.spec())) {
            throw new ExtensionConfigurationException("Two @LakebaseBranch declarations ask for the branch named \""
                    + target.spec().name() + "\" in " + holder.getDisplayName() + " with different settings: ("
                    + slot.spec().describe() + ") and (" + target.spec().describe() + "). Give one of them another "
                    + "name, or make them agree.");
        }
        return slot.branch();
    }

    private static Slot create(Target target) {
        ExtensionContext holder = target.holder();
        Configuration config = configuration(holder);
        try {
            CleanupMode cleanup = target.spec().cleanup() == CleanupMode.DEFAULT
                    ? config.defaultCleanup()
                    : target.spec().cleanup();
            boolean perClass = holder.getTestMethod().isEmpty();
            // One failure flag per class context, shared by all its branches: a second per-class branch (a
            // named static field) must not replace the flag the first one reads.
            AtomicBoolean failed = perClass
                    ? holder.getStore(NAMESPACE)
                            .getOrComputeIfAbsent(
                                    new FailedKey(holder.getUniqueId()),
                                    key -> new AtomicBoolean(),
                                    AtomicBoolean.class)
                    : new AtomicBoolean();
            String hint = holder.getTestMethod()
                            .map(Method::getName)
                            .or(() -> holder.getTestClass().map(Class::getSimpleName))
                            .orElse("")
                    + (target.spec().name().isEmpty() ? "" : "_" + target.spec().name());
            String owner = holder.getTestClass().map(Class::getName).orElse("?")
                    + holder.getTestMethod().map(m -> "." + m.getName() + "()").orElse("");
            ManagedBranch branch = BranchService.forkRecovering(
                    config,
                    target.spec(),
                    hint,
                    new ManagedBranch.BranchSettings(
                            cleanup,
                            config.poolMaximumSize(),
                            owner,
                            () -> failed.get() || holder.getExecutionException().isPresent()),
                    TestBranches.forkSource(holder, target.spec()).orElse(null),
                    Kind.BRANCH);
            return new Slot(target.spec(), branch);
        } catch (ProviderException e) {
            if (e.isConfigurationError()) {
                throw new ExtensionConfigurationException(e.getMessage(), e);
            }
            throw e;
        }
    }

    static Configuration configuration(ExtensionContext context) {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElseGet(() -> context.getTestClass()
                        .map(Class::getClassLoader)
                        .orElse(BranchInjector.class.getClassLoader()));
        return new Configuration(context::getConfigurationParameter, System.getenv(), BranchService.RUN_ID, loader);
    }

    /** Marks {@code context} as running on this thread, for {@link TestBranches#current()}. */
    public void enter(ExtensionContext context) {
        TestBranches.enter(context);
    }

    /** Whether tests should be skipped because the provider cannot work here, and why. */
    public Optional<String> unavailableReason(ExtensionContext context) {
        Configuration config = configuration(context);
        try {
            if (!config.disabledWhenUnavailable()) {
                return Optional.empty();
            }
            return BranchService.factory(config.providerId(), config.classLoader())
                    .unavailableReason(config);
        } catch (ProviderException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        }
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
            context.getStore(NAMESPACE).put(new Object(), new OpenConnection(connection));
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
        return "parameter " + parameter.getParameter().getName() + " of "
                + e.getDeclaringClass().getSimpleName()
                + (e instanceof Method ? "." + e.getName() + "()" : " (constructor)");
    }

    private record FailedKey(String context) {}

    /**
     * A branch in a store, with the spec it was created for. Closeable both ways: JUnit 5.13 and later
     * close {@link AutoCloseable} values, JUnit 5.10 to 5.12 only {@code CloseableResource} ones.
     */
    @SuppressWarnings("deprecation")
    private record Slot(BranchSpec spec, ManagedBranch branch)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            branch.close();
        }
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
