package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Misuse fails fast with an ExtensionConfigurationException that says what is wrong and what to change. */
class MisuseTests {

    @Test
    void anUnsupportedParameterTypeNamesTheTypeAndTheSupportedOnes() {
        // JUnit wraps what a parameter resolver throws in a ParameterResolutionException: the cause is ours.
        assertThat(error(UnsupportedParameterTypeTestCase.class).getMessage())
                .contains(
                        "java.lang.String",
                        "parameter text",
                        "javax.sql.DataSource",
                        "java.sql.Connection",
                        Branch.class.getName());
    }

    @Test
    void anUnsupportedFieldTypeNamesTheTypeAndTheSupportedOnes() {
        assertThat(error(UnsupportedFieldTypeTestCase.class).getMessage())
                .contains("java.lang.String", "text", "javax.sql.DataSource", "java.sql.Connection");
    }

    @Test
    void aFinalFieldSaysToRemoveFinal() {
        EngineExecutionResults results = Fixtures.run(FinalFieldTestCase.class);

        results.testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("final")
                                                && m.contains("dataSource")
                                                && m.contains("remove 'final'")))));
    }

    @Test
    void aStaticFinalFieldFailsTheClass() {
        EngineExecutionResults results = Fixtures.run(StaticFinalFieldTestCase.class);

        results.containerEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                container(StaticFinalFieldTestCase.class),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("final")
                                                && m.contains("shared")
                                                && m.contains("remove 'final'")))));
    }

    @Test
    void perClassOnAMethodSaysWhereLifecycleBelongs() {
        EngineExecutionResults results = Fixtures.run(PerClassOnMethodTestCase.class);

        results.testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("lifecycle = PER_CLASS")
                                                && m.contains("method test")
                                                && m.contains("move the annotation to the class")))));
    }

    @Test
    void anInvalidNameSaysWhatANameLooksLike() {
        assertThat(error(InvalidNameTestCase.class).getMessage())
                .contains("name = \"1 bad name\"", "not a valid branch name", "a letter followed by");
    }

    @Test
    void aMalformedAsOfShowsAnInstant() {
        assertThat(error(MalformedAsOfTestCase.class).getMessage())
                .contains("asOf = \"yesterday\"", "ISO-8601", "2026-11-01T08:30:00Z");
    }

    @Test
    void asOfOnTheEmbeddedProviderSaysItIsNotSupported() {
        assertThat(error(AsOfOnEmbeddedTestCase.class).getMessage())
                .contains("asOf", "2026-01-01T00:00:00Z", "embedded", "does not support", "Remove asOf");
    }

    @Test
    void anUnknownProviderListsTheKnownOnes() {
        EngineExecutionResults results = Fixtures.run(ValidTestCase.class, Map.of("lakebase.provider", "nope"));

        assertThat(Fixtures.onlyConfigurationError(results).getMessage())
                .contains("lakebase.provider", "'nope'", "embedded", "postgres", "testcontainers");
    }

    @Test
    void anUnknownParentListsTheKnownOnes() {
        assertThat(error(UnknownParentTestCase.class).getMessage())
                .contains("Unknown parent 'nope'", "template1", "lakebase.parents");
    }

    @Test
    void aPerMethodBranchInBeforeAllSaysWhatToChange() {
        EngineExecutionResults results = Fixtures.run(PerMethodInBeforeAllTestCase.class);

        assertThat(results.testEvents().started().count()).isZero();
        assertThat(Fixtures.onlyConfigurationError(results).getMessage())
                .contains("per-method branch", "@BeforeAll", "lifecycle = PER_CLASS", "@BeforeEach");
    }

    @Test
    void aPerMethodBranchInTheConstructorOfAPerClassInstanceSaysWhatToChange() {
        EngineExecutionResults results = Fixtures.run(PerClassInstanceConstructorTestCase.class);

        assertThat(results.testEvents().started().count()).isZero();
        assertThat(Fixtures.onlyConfigurationError(results).getMessage())
                .contains("per-method branch", "constructor", "@TestInstance(PER_CLASS)", "lifecycle = PER_CLASS");
    }

    private static ExtensionConfigurationException error(Class<?> fixture) {
        return Fixtures.onlyConfigurationError(Fixtures.run(fixture));
    }

    static class UnsupportedParameterTypeTestCase {

        @Test
        void test(@LakebaseBranch String text) {
            // never runs
        }
    }

    static class UnsupportedFieldTypeTestCase {

        @LakebaseBranch
        String text;

        @Test
        void test() {
            // never runs
        }
    }

    static class FinalFieldTestCase {

        @LakebaseBranch
        final DataSource dataSource = null;

        @Test
        void test() {
            // never runs
        }
    }

    static class StaticFinalFieldTestCase {

        @LakebaseBranch
        static final DataSource shared = null;

        @Test
        void test() {
            // never runs
        }
    }

    static class PerClassOnMethodTestCase {

        @Test
        @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
        void test() {
            // never runs
        }
    }

    static class InvalidNameTestCase {

        @Test
        void test(@LakebaseBranch(name = "1 bad name") DataSource dataSource) {
            // never runs
        }
    }

    static class MalformedAsOfTestCase {

        @Test
        @LakebaseBranch(asOf = "yesterday")
        void test() {
            // never runs
        }
    }

    static class AsOfOnEmbeddedTestCase {

        @Test
        @LakebaseBranch(asOf = "2026-01-01T00:00:00Z")
        void test() {
            // never runs
        }
    }

    @LakebaseBranch
    static class ValidTestCase {

        @Test
        void test(DataSource dataSource) {
            // fails only through the configuration it runs with
        }
    }

    @LakebaseBranch(from = "nope")
    static class UnknownParentTestCase {

        @Test
        void test(DataSource dataSource) {
            // never runs
        }
    }

    @LakebaseBranch
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassInstanceConstructorTestCase {

        PerClassInstanceConstructorTestCase(DataSource dataSource) {
            // never runs
        }

        @Test
        void test() {
            // never runs
        }
    }

    @LakebaseBranch
    static class PerMethodInBeforeAllTestCase {

        @BeforeAll
        static void setUp(DataSource dataSource) {
            // never runs
        }

        @Test
        void test() {
            // never runs
        }
    }
}
