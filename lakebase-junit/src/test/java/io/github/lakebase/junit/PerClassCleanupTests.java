package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** {@link CleanupMode#ON_SUCCESS} on a class's shared branch: any failure below the class keeps it. */
class PerClassCleanupTests {

    @Test
    void onSuccessOnAPerClassBranchKeepsItWhenOneTestOfTheClassFailed() throws SQLException {
        PerClassOnSuccessTestCase.SEEN.clear();

        Fixtures.run(PerClassOnSuccessTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(1).failed(1));

        Branch shared = PerClassOnSuccessTestCase.SEEN.get("passes");
        Branch other = PerClassOnSuccessTestCase.SEEN.get("other");
        try {
            assertThat(PerClassOnSuccessTestCase.SEEN.get("fails").name()).isEqualTo(shared.name());
            assertThat(other.name()).isNotEqualTo(shared.name());
            assertThat(reachable(shared))
                    .as("kept because a test of the class failed")
                    .isTrue();
            assertThat(reachable(other))
                    .as("a second per-class branch is kept too")
                    .isTrue();
        } finally {
            Fixtures.drop(shared);
            Fixtures.drop(other);
        }
    }

    @Test
    void onSuccessOnAPerClassBranchKeepsItWhenATestFailedBeforeItsMethodRan() throws SQLException {
        NestedConstructorFailsTestCase.SEEN.clear();

        Fixtures.run(NestedConstructorFailsTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(1).failed(1));

        assertKeptAndDrop(NestedConstructorFailsTestCase.SEEN.get("outer"));
    }

    @Test
    void onSuccessOnAPerClassBranchKeepsItWhenANestedClassFailed() throws SQLException {
        NestedAfterAllFailsTestCase.SEEN.clear();

        var results = Fixtures.run(NestedAfterAllFailsTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        results.containerEvents().assertStatistics(s -> s.failed(1));
        assertKeptAndDrop(NestedAfterAllFailsTestCase.SEEN.get("outer"));
    }

    private static void assertKeptAndDrop(Branch branch) throws SQLException {
        try {
            assertThat(reachable(branch))
                    .as("the class's branch is kept because of the failure")
                    .isTrue();
        } finally {
            Fixtures.drop(branch);
        }
    }

    @Test
    void onSuccessOnAPerClassBranchDestroysItWhenAllTestsPassed() {
        PerClassAllPassTestCase.SEEN.clear();

        Fixtures.runDropping(PerClassAllPassTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(PerClassAllPassTestCase.SEEN.values())
                .hasSize(2)
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS, cleanup = CleanupMode.ON_SUCCESS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassOnSuccessTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @LakebaseBranch(name = "other")
        static Branch other;

        @Test
        @Order(1)
        void fails(Branch branch) {
            SEEN.put("other", other);
            SEEN.put("fails", branch);
            fail("on purpose");
        }

        @Test
        @Order(2)
        void passes(Branch branch) {
            SEEN.put("passes", branch);
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS, cleanup = CleanupMode.ON_SUCCESS)
    static class NestedConstructorFailsTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void outer(Branch branch) {
            SEEN.put("outer", branch);
        }

        @Nested
        class Inner {

            Inner() {
                throw new IllegalStateException("on purpose");
            }

            @Test
            void test() {
                // never runs
            }
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS, cleanup = CleanupMode.ON_SUCCESS)
    static class NestedAfterAllFailsTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void outer(Branch branch) {
            SEEN.put("outer", branch);
        }

        @Nested
        class Inner {

            @AfterAll
            static void fail() {
                throw new IllegalStateException("on purpose");
            }

            @Test
            void test() {
                // passes
            }
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS, cleanup = CleanupMode.ON_SUCCESS)
    static class PerClassAllPassTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void one(Branch branch) {
            SEEN.put("one", branch);
        }

        @Test
        void two(Branch branch) {
            SEEN.put("two", branch);
        }
    }
}
