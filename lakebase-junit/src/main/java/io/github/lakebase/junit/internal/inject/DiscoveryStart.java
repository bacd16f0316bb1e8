package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.LakebaseBranchExtension;
import io.github.lakebase.junit.integration.TestClasses;
import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.branching.FlywayAhead;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.DiscoveryFilter;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.IterationSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.NestedClassSelector;
import org.junit.platform.engine.discovery.NestedMethodSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * Starts a run's provider (the embedded server) as a launcher (Maven Surefire, Gradle, an IDE) begins to discover
 * a test class that uses the library, in the background: the start goes on while JUnit discovers the tests and
 * sets the first class up, instead of beginning at that class's {@code beforeAll} callback ({@link
 * Availability#startEarly}). On a warm machine the server's start and the JVM's first login are most of what a run
 * waits for before its first test. It also notes the migrations the first such class declares, so that where the
 * server starts empty, Flyway loads meanwhile for a run whose migrations are Flyway's ({@link FlywayAhead}).
 *
 * <p>A class uses the library when it, a superclass, an interface, a class it is {@code @Nested} in or one of its
 * own {@code @Nested} classes declares {@code @LakebaseBranch} or registers {@link LakebaseBranchExtension}
 * otherwise ({@code @ExtendWith}, a {@code @RegisterExtension} field), on itself, a field, a method or a parameter,
 * and is not {@code @Disabled}. Only classes a request names count (class, method, nested, iteration and unique-id
 * selectors; a package or the class path is not scanned), and only in a request that filters nothing (no tags, no
 * method or class-name patterns, no engines): a filter may leave none of their tests to run, and then the class's
 * callbacks never come either. Such runs start at the class's {@code beforeAll} callback; so does Maven's own JVM,
 * where Surefire discovers the classes before it forks ({@link #buildToolJvm}).
 *
 * <p>A condition other than {@code @Disabled} ({@code @EnabledOnOs}, {@code @EnabledIfSystemProperty}, a project's
 * own {@link org.junit.jupiter.api.extension.ExecutionCondition}) runs with a test's context only, and may read
 * anything: the library cannot ask it here. A class that has one still starts here, as most such conditions let
 * their class run where it is run (an operating system, a JRE, Docker present, a time budget), and a start at the
 * callback would come about half a second later on a warm machine ({@code benchmarks/start-sequence.sh}: 1.0-1.2 s
 * against 0.5-0.6 s to the first test). A class that its condition turns off then starts a server in vain, in the
 * background; it is stopped at the JVM's exit. A configuration that is wrong, or a provider that is unavailable with
 * {@code lakebase.disabled-when-unavailable=true}, starts nothing here; the first test says what is wrong, as
 * before.
 *
 * <p>Found by the launcher through {@link java.util.ServiceLoader}; the engine's own test kit, which has no
 * launcher, never calls it.
 */
public final class DiscoveryStart implements LauncherDiscoveryListener {

    /** The configurations whose start a discovery began: a launcher may discover once per class (Surefire does). */
    private static final Set<Object> BEGUN = ConcurrentHashMap.newKeySet();

    /** The unique-id segment of a top-level test class in JUnit Jupiter's ids. */
    private static final String CLASS_SEGMENT = "class";

    /** Created by the launcher through {@link java.util.ServiceLoader}. */
    public DiscoveryStart() {}

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElseGet(DiscoveryStart.class::getClassLoader);
        ConfigurationParameters parameters = request.getConfigurationParameters();
        Object key = new Begun(loader, libraryParameters(parameters));
        if (buildToolJvm(System::getProperty)
                || BEGUN.contains(key)
                || !selectsUsers(request, loader)
                || !BEGUN.add(key)) {
            return;
        }
        Thread start = DaemonThreads.named("lakebase-junit-discovery-start").newThread(() -> {
            Configuration config = new Configuration(
                    parameters::get, System.getenv(), BranchService.RUN_ID, loader, new ConcurrentHashMap<>());
            try {
                if (Availability.unavailableReason(config).isPresent()) {
                    return;
                }
            } catch (RuntimeException e) {
                return; // a wrong configuration: the first test says what is wrong
            }
            declaredMigrations(request, loader).ifPresent(m -> FlywayAhead.declared(m, loader));
            BranchService.startEarly(config.unread(), null); // nor are its migrations read here: no run's values yet
        });
        start.setContextClassLoader(loader);
        start.start();
    }

    /**
     * Whether this JVM is a build tool's own rather than one that runs the tests: Maven's, where Surefire and
     * Failsafe discover the test classes before they fork the JVMs that run them ({@code forkCount} above one, or
     * {@code reuseForks=false}), with none of those JVMs' configuration. Maven's launcher sets {@code
     * classworlds.conf} and {@code maven.home}; a build that passes either on to its tests' JVMs only gives up the
     * start at discovery there, and starts at the class's {@code beforeAll} callback.
     *
     * @param systemProperty the JVM's system properties
     * @return true to start nothing at discovery
     */
    static boolean buildToolJvm(UnaryOperator<String> systemProperty) {
        return systemProperty.apply("classworlds.conf") != null || systemProperty.apply("maven.home") != null;
    }

    /** A configuration a discovery began to start: the class loader and the library's own explicit parameters. */
    private record Begun(ClassLoader loader, Map<String, String> parameters) {}

    private static Map<String, String> libraryParameters(ConfigurationParameters parameters) {
        Map<String, String> own = new TreeMap<>();
        for (String name : parameters.keySet()) {
            if (name.startsWith("lakebase.")) {
                parameters.get(name).ifPresent(value -> own.put(name, value));
            }
        }
        return own;
    }

    /**
     * Whether {@code request} filters nothing and names a class that uses the library.
     *
     * @param request a discovery request
     * @param loader the class loader of the run's test classes
     * @return true to start the run's provider now
     */
    static boolean selectsUsers(LauncherDiscoveryRequest request, ClassLoader loader) {
        if (!request.getPostDiscoveryFilters().isEmpty()
                || !request.getEngineFilters().isEmpty()
                || !request.getFiltersByType(DiscoveryFilter.class).isEmpty()) {
            return false;
        }
        return request.getSelectorsByType(DiscoverySelector.class).stream()
                .flatMap(s -> selectedClass(s, loader).stream())
                .anyMatch(DiscoveryStart::usesLibrary);
    }

    /**
     * The migrations that the first class {@code request} names that uses the library declares, as written; empty
     * where none declares any, or a declaration is wrong (its first test says so).
     */
    static Optional<List<String>> declaredMigrations(LauncherDiscoveryRequest request, ClassLoader loader) {
        try {
            return request.getSelectorsByType(DiscoverySelector.class).stream()
                    .flatMap(s -> selectedClass(s, loader).stream())
                    .filter(DiscoveryStart::usesLibrary)
                    .flatMap(c -> Declarations.forClass(c).stream())
                    .map(d -> d.spec().base().migrations())
                    .filter(m -> !m.isEmpty())
                    .findFirst();
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** The test class {@code selector} names, loaded without being initialized; empty for none or one that fails. */
    private static Optional<Class<?>> selectedClass(DiscoverySelector selector, ClassLoader loader) {
        try {
            if (selector instanceof ClassSelector s) {
                return Optional.of(s.getJavaClass());
            } else if (selector instanceof MethodSelector s) {
                return Optional.of(s.getJavaClass());
            } else if (selector instanceof NestedClassSelector s) {
                return Optional.of(s.getNestedClass());
            } else if (selector instanceof NestedMethodSelector s) {
                return Optional.of(s.getNestedClass());
            } else if (selector instanceof IterationSelector s) {
                return selectedClass(s.getParentSelector(), loader);
            } else if (selector instanceof UniqueIdSelector s) {
                return s.getUniqueId().getSegments().stream()
                        .filter(segment -> segment.getType().equals(CLASS_SEGMENT))
                        .map(UniqueId.Segment::getValue)
                        .findFirst()
                        .flatMap(name ->
                                ReflectionSupport.tryToLoadClass(name, loader).toOptional());
            }
        } catch (RuntimeException | LinkageError e) {
            // A class that does not load: JUnit reports it as discovery goes on.
        }
        return Optional.empty();
    }

    /**
     * Whether {@code testClass} uses the library: registers {@link LakebaseBranchExtension} on itself, a class it
     * inherits from or is {@code @Nested} in, a field, a method or a constructor's or method's parameter.
     */
    static boolean usesLibrary(Class<?> testClass) {
        try {
            List<Class<?>> outwards = TestClasses.outwards(testClass);
            return outwards.stream().noneMatch(DiscoveryStart::disabled)
                    && (outwards.stream().anyMatch(DiscoveryStart::classRegisters) || nestedUse(testClass));
        } catch (RuntimeException | LinkageError e) {
            return false; // a member whose type does not load: JUnit reports the class
        }
    }

    /** Whether a {@code @Nested} class that JUnit runs with {@code testClass} uses the library. */
    private static boolean nestedUse(Class<?> testClass) {
        return ReflectionSupport.findNestedClasses(
                        testClass,
                        c -> TestClasses.enclosing(c) != null
                                && AnnotationSupport.isAnnotated(c, Nested.class)
                                && !disabled(c))
                .stream()
                .anyMatch(c -> classRegisters(c) || nestedUse(c));
    }

    /** Whether JUnit skips every test of {@code testClass}: {@code @Disabled} on it. */
    private static boolean disabled(Class<?> testClass) {
        return AnnotationSupport.isAnnotated(testClass, Disabled.class);
    }

    private static boolean classRegisters(Class<?> c) {
        return extendsWith(c)
                || !ReflectionSupport.findFields(c, DiscoveryStart::fieldRegisters, HierarchyTraversalMode.TOP_DOWN)
                        .isEmpty()
                || !ReflectionSupport.findMethods(
                                c, DiscoveryStart::executableRegisters, HierarchyTraversalMode.TOP_DOWN)
                        .isEmpty()
                || Arrays.stream(c.getDeclaredConstructors()).anyMatch(DiscoveryStart::executableRegisters);
    }

    private static boolean fieldRegisters(Field field) {
        return extendsWith(field)
                || (LakebaseBranchExtension.class.isAssignableFrom(field.getType())
                        && AnnotationSupport.isAnnotated(field, RegisterExtension.class));
    }

    private static boolean executableRegisters(Executable executable) {
        return extendsWith(executable) || Stream.of(executable.getParameters()).anyMatch(DiscoveryStart::extendsWith);
    }

    /** Whether {@code element} carries {@code @ExtendWith(LakebaseBranchExtension.class)}, as {@code @LakebaseBranch} does. */
    private static boolean extendsWith(AnnotatedElement element) {
        return AnnotationSupport.findRepeatableAnnotations(element, ExtendWith.class).stream()
                .anyMatch(e -> Arrays.asList(e.value()).contains(LakebaseBranchExtension.class));
    }
}
