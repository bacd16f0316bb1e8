package io.github.lakebase.junit.internal.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranchExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.Filter;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/**
 * Which discoveries start the run's provider: those that name a class using the library, wherever it declares
 * {@code @LakebaseBranch} or registers the extension, and that filter nothing.
 */
class DiscoveryStartTests {

    private static final ClassLoader LOADER = DiscoveryStartTests.class.getClassLoader();

    @ParameterizedTest
    @ValueSource(
            classes = {
                AnnotatedClass.class,
                Subclass.class,
                ComposedAnnotation.class,
                AnnotatedClass.Inner.class,
                AnnotatedField.class,
                AnnotatedStaticField.class,
                AnnotatedMethod.class,
                AnnotatedParameter.class,
                AnnotatedConstructorParameter.class,
                InheritedAnnotatedParameter.class,
                ExtendedWith.class,
                RegisteredExtension.class,
                FromInterface.class,
                PlainOuter.class,
                PlainOuter.PlainMiddle.class
            })
    void aClassUsesTheLibraryWhereverItDeclaresABranchOrRegistersTheExtension(Class<?> testClass) {
        assertThat(DiscoveryStart.usesLibrary(testClass)).isTrue();
        assertThat(DiscoveryStart.selectsUsers(request(selectClass(testClass)), LOADER))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                Plain.class,
                TakesADataSource.class,
                OtherExtension.class,
                DisabledClass.class,
                PlainOuterOfDisabled.class
            })
    void aClassThatDeclaresNoBranchDoesNotUseIt(Class<?> testClass) {
        assertThat(DiscoveryStart.usesLibrary(testClass)).isFalse();
        assertThat(DiscoveryStart.selectsUsers(request(selectClass(testClass)), LOADER))
                .isFalse();
    }

    /**
     * A condition other than {@code @Disabled} runs with a test's context only: discovery cannot ask it, and starts
     * the provider of a class that has one, since most such conditions let their class run (a start at the class's
     * callback would come about half a second later on a warm machine).
     */
    @ParameterizedTest
    @ValueSource(classes = {ConditionalClass.class, OwnCondition.class})
    void aClassWithAConditionOtherThanDisabledStillStartsAtDiscovery(Class<?> testClass) {
        assertThat(DiscoveryStart.usesLibrary(testClass)).isTrue();
    }

    @Test
    void everySelectorThatNamesAClassCounts() throws Exception {
        List<DiscoverySelector> selectors = List.of(
                selectMethod(AnnotatedClass.class, "test"),
                selectNestedClass(List.of(AnnotatedClass.class), AnnotatedClass.Inner.class),
                selectNestedMethod(List.of(AnnotatedClass.class), AnnotatedClass.Inner.class, "test"),
                selectIteration(selectMethod(AnnotatedClass.class, "repeated"), 0),
                selectUniqueId(
                        "[engine:junit-jupiter]/[class:" + AnnotatedClass.class.getName() + "]/[method:test()]"));

        for (DiscoverySelector selector : selectors) {
            assertThat(DiscoveryStart.selectsUsers(request(selector), LOADER))
                    .as("%s", selector)
                    .isTrue();
        }
    }

    @Test
    void aClassAmongOthersCounts() {
        assertThat(DiscoveryStart.selectsUsers(
                        request(selectClass(Plain.class), selectClass(AnnotatedField.class)), LOADER))
                .isTrue();
    }

    @Test
    void nothingIsScannedForAPackageOrAClassThatDoesNotLoad() {
        assertThat(DiscoveryStart.selectsUsers(request(selectPackage(AnnotatedClass.class.getPackageName())), LOADER))
                .isFalse();
        assertThat(DiscoveryStart.selectsUsers(request(selectClass("com.example.NoSuchTest")), LOADER))
                .isFalse();
        assertThat(DiscoveryStart.selectsUsers(
                        request(selectUniqueId("[engine:junit-jupiter]/[class:com.example.NoSuchTest]")), LOADER))
                .isFalse();
    }

    static Stream<Filter<?>> filters() {
        return Stream.of(
                TagFilter.excludeTags("database"),
                ClassNameFilter.includeClassNamePatterns(".*IT"),
                EngineFilter.includeEngines("junit-jupiter"));
    }

    @ParameterizedTest
    @MethodSource("filters")
    void aRequestThatFiltersWhatItFindsStartsNothing(Filter<?> filter) {
        LauncherDiscoveryRequest filtered = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(AnnotatedClass.class))
                .filters(filter)
                .build();

        assertThat(DiscoveryStart.selectsUsers(filtered, LOADER)).isFalse();
    }

    /**
     * The migrations the first class that uses the library declares, read at discovery to know which migration tool
     * the run's first base is built with ({@code FlywayAhead}); a class that declares none decides nothing.
     */
    @Test
    void theFirstDeclaredMigrationsAreReadAtDiscovery() {
        assertThat(DiscoveryStart.declaredMigrations(request(selectClass(ComposedAnnotation.class)), LOADER))
                .contains(List.of("classpath:db/migration"));
        assertThat(DiscoveryStart.declaredMigrations(
                        request(
                                selectClass(Plain.class),
                                selectClass(AnnotatedClass.class),
                                selectClass(DeclaresChangelog.class),
                                selectClass(ComposedAnnotation.class)),
                        LOADER))
                .as("the first that declares migrations, after one that uses the library with its defaults")
                .contains(List.of("liquibase:db/changelog/db.changelog-master.yaml"));
        assertThat(DiscoveryStart.declaredMigrations(request(selectClass(AnnotatedClass.class)), LOADER))
                .isEmpty();
        assertThat(DiscoveryStart.declaredMigrations(request(selectClass(DisabledClass.class)), LOADER))
                .isEmpty();
    }

    @Test
    void mavensOwnJvmStartsNothing() {
        assertThat(DiscoveryStart.buildToolJvm(
                        Map.of("classworlds.conf", "/opt/maven/bin/m2.conf", "maven.home", "/opt/maven")::get))
                .isTrue();
        assertThat(DiscoveryStart.buildToolJvm(Map.of("maven.home", "/opt/maven")::get))
                .isTrue();
        assertThat(DiscoveryStart.buildToolJvm(
                        Map.of("basedir", "/work/project", "surefire.real.class.path", "x")::get))
                .as("a test JVM that Surefire forked")
                .isFalse();
    }

    private static LauncherDiscoveryRequest request(DiscoverySelector... selectors) {
        return LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
    }

    @LakebaseBranch
    static class AnnotatedClass {
        @Test
        void test() {}

        @RepeatedTest(2)
        void repeated() {}

        @Nested
        class Inner {
            @Test
            void test() {}
        }
    }

    static class Subclass extends AnnotatedClass {}

    @LakebaseBranch(migrations = "liquibase:db/changelog/db.changelog-master.yaml")
    static class DeclaresChangelog {}

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @LakebaseBranch(migrations = "classpath:db/migration")
    @interface DatabaseTest {}

    @DatabaseTest
    static class ComposedAnnotation {}

    static class AnnotatedField {
        @LakebaseBranch
        DataSource dataSource;
    }

    static class AnnotatedStaticField {
        @LakebaseBranch(name = "shared")
        static Branch branch;
    }

    static class AnnotatedMethod {
        @LakebaseBranch
        @Test
        void test(Connection connection) {}
    }

    static class AnnotatedParameter {
        @Test
        void test(@LakebaseBranch DataSource dataSource) {}
    }

    static class AnnotatedConstructorParameter {
        AnnotatedConstructorParameter(@LakebaseBranch DataSource dataSource) {}
    }

    static class InheritedAnnotatedParameter extends AnnotatedParameter {}

    @ExtendWith(LakebaseBranchExtension.class)
    static class ExtendedWith {}

    static class RegisteredExtension {
        @RegisterExtension
        static final LakebaseBranchExtension EXTENSION = new LakebaseBranchExtension();
    }

    @LakebaseBranch
    interface DatabaseTests {}

    static class FromInterface implements DatabaseTests {}

    static class Plain {
        @Test
        void test() {}

        /** Not run with the outer class: JUnit runs {@code @Nested} (inner) classes only. */
        @LakebaseBranch
        static class StaticNested {}
    }

    /** A class JUnit runs the {@code @Nested} classes of: Surefire names only the outer one. */
    static class PlainOuter {
        @Nested
        class PlainMiddle {
            @Nested
            @LakebaseBranch
            class AnnotatedInner {
                @Test
                void test() {}
            }
        }
    }

    @Disabled("runs no test")
    @LakebaseBranch
    static class DisabledClass {
        @Test
        void test() {}
    }

    static class PlainOuterOfDisabled {
        @Nested
        @Disabled("runs no test")
        class Inner {
            @Test
            void test(@LakebaseBranch DataSource dataSource) {}
        }
    }

    static class TakesADataSource {
        DataSource dataSource;

        @Test
        void test(DataSource dataSource) {}
    }

    /** A condition of the project's own. */
    static class NeverCondition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return ConditionEvaluationResult.disabled("never");
        }
    }

    @LakebaseBranch
    @EnabledIfSystemProperty(named = "lakebase.test.never-set", matches = "yes")
    static class ConditionalClass {
        @Test
        void test() {}
    }

    @LakebaseBranch
    @ExtendWith(NeverCondition.class)
    static class OwnCondition {
        @Test
        void test() {}
    }

    static class SomeExtension implements Extension {}

    @ExtendWith(SomeExtension.class)
    static class OtherExtension {}
}
