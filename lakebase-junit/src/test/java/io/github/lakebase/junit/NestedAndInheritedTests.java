package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.database;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Declarations reach {@code @Nested} classes and subclasses, without creating a branch twice. */
class NestedAndInheritedTests {

    @Test
    void nestedClassesShareTheBranchOfAPerClassOuterClass() {
        PerClassOuterTestCase.SEEN.clear();

        Fixtures.runDropping(PerClassOuterTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(4).succeeded(4));

        Map<String, String> seen = PerClassOuterTestCase.SEEN;
        assertThat(seen).containsOnlyKeys("outer", "inner", "innerDataSource", "deeper");
        assertThat(seen.values())
                .as("one branch for the outer class and its nested classes")
                .containsOnly(seen.get("outer"));
        assertThat(PerClassOuterTestCase.BRANCH.get(0).name()).isEqualTo(seen.get("outer"));
        assertThat(reachable(PerClassOuterTestCase.BRANCH.get(0))).isFalse();
    }

    @Test
    void nestedTestsGetTheirOwnBranchesUnderAPerMethodOuterClass() {
        PerMethodOuterTestCase.SEEN.clear();

        Fixtures.runDropping(PerMethodOuterTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        List<Branch> seen = PerMethodOuterTestCase.SEEN;
        assertThat(seen).hasSize(3).extracting(Branch::name).doesNotHaveDuplicates();
        assertThat(seen)
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @Test
    void aSubclassInheritsTheDeclarationOfItsSuperclass() {
        InheritingTestCase.SEEN.clear();

        Fixtures.runDropping(InheritingTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        List<Branch> seen = InheritingTestCase.SEEN;
        assertThat(seen)
                .as("PER_CLASS is inherited: both tests share one branch")
                .hasSize(2)
                .extracting(Branch::name)
                .containsOnly(seen.get(0).name());
        assertThat(reachable(seen.get(0))).isFalse();
    }

    @Test
    void aNestedClassWithADeclarationOfItsOwnInheritsWhatItLeavesUnsetFromTheOuterClass() throws SQLException {
        OwnNestedDeclarationTestCase.SEEN.clear();

        // The configured default would keep branches; the outer class says ALWAYS, the nested class says nothing.
        Fixtures.runDropping(OwnNestedDeclarationTestCase.class, Map.of("lakebase.cleanup", "NEVER"))
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        List<Branch> seen = OwnNestedDeclarationTestCase.SEEN;
        try {
            assertThat(seen).hasSize(3);
            assertThat(seen.get(1).name())
                    .as("the nested class's PER_CLASS applies")
                    .isEqualTo(seen.get(2).name())
                    .isNotEqualTo(seen.get(0).name());
            assertThat(seen)
                    .allSatisfy(b -> assertThat(reachable(b))
                            .as("%s is destroyed, as the outer class's cleanup = ALWAYS says", b.name())
                            .isFalse());
        } finally {
            for (Branch b : seen) {
                Fixtures.drop(b);
            }
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.ALWAYS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OwnNestedDeclarationTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void outer(Branch branch) {
            SEEN.add(branch);
        }

        @Nested
        @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
        @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
        class Inner {

            @Test
            @Order(1)
            void one(Branch branch) {
                SEEN.add(branch);
            }

            @Test
            @Order(2)
            void two(Branch branch) {
                SEEN.add(branch);
            }
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    static class PerClassOuterTestCase {

        static final Map<String, String> SEEN = new ConcurrentHashMap<>();
        static final List<Branch> BRANCH = new CopyOnWriteArrayList<>();

        @Test
        void outer(Branch branch) {
            BRANCH.add(branch);
            SEEN.put("outer", branch.name());
        }

        @Nested
        class Inner {

            @Test
            void inner(Branch branch) {
                SEEN.put("inner", branch.name());
            }

            @Test
            void innerDataSource(DataSource dataSource) throws SQLException {
                SEEN.put("innerDataSource", database(dataSource));
            }

            @Nested
            class Deeper {

                @Test
                void deeper(Connection connection) throws SQLException {
                    SEEN.put("deeper", database(connection));
                }
            }
        }
    }

    @LakebaseBranch
    static class PerMethodOuterTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @LakebaseBranch
        Branch outerField;

        @Test
        void outer(Branch branch) throws SQLException {
            see(branch, outerField);
        }

        @Nested
        class Inner {

            @LakebaseBranch
            DataSource innerField;

            @Test
            void one(Branch branch) throws SQLException {
                assertThat(database(innerField)).isEqualTo(branch.name());
                see(branch, outerField);
            }

            @Test
            void two(Branch branch) throws SQLException {
                assertThat(database(innerField)).isEqualTo(branch.name());
                see(branch, outerField);
            }
        }

        private static void see(Branch branch, Branch outerField) throws SQLException {
            SEEN.add(branch);
            assertThat(outerField.name())
                    .as("the outer instance's field holds the test's branch")
                    .isEqualTo(branch.name());
            assertThat(count(branch.dataSource(), "SELECT count(*) FROM inventory"))
                    .isEqualTo(3);
            execute(branch.dataSource(), "DELETE FROM inventory");
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    abstract static class AnnotatedBase {

        @LakebaseBranch
        protected DataSource inherited;
    }

    static class InheritingTestCase extends AnnotatedBase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void one(Branch branch) throws SQLException {
            SEEN.add(branch);
            assertThat(database(inherited)).isEqualTo(branch.name());
        }

        @Test
        void two(Branch branch) throws SQLException {
            SEEN.add(branch);
            assertThat(database(inherited)).isEqualTo(branch.name());
        }
    }
}
