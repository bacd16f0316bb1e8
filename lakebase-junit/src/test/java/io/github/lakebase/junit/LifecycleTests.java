package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.database;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.goneWithin;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** How long a branch lives: per method, per class, and what a method's own declaration changes. */
class LifecycleTests {

    @Test
    void perMethodGivesEveryTestItsOwnBranchAndDestroysItAfterTheTest() {
        PerMethodTestCase.SEEN.clear();

        Fixtures.runDropping(PerMethodTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        assertThat(PerMethodTestCase.SEEN).hasSize(3);
        assertThat(PerMethodTestCase.SEEN).extracting(Branch::name).doesNotHaveDuplicates();
        assertThat(PerMethodTestCase.SEEN)
                .allSatisfy(b -> assertThat(reachable(b))
                        .as("branch %s is destroyed after its test", b.name())
                        .isFalse());
    }

    @Test
    void perClassSharesOneBranchBetweenTheTestsAndDestroysItAfterTheClass() {
        PerClassTestCase.SEEN.clear();

        Fixtures.runDropping(PerClassTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(PerClassTestCase.SEEN).hasSize(2);
        assertThat(PerClassTestCase.SEEN)
                .extracting(Branch::name)
                .containsOnly(PerClassTestCase.SEEN.get(0).name());
        assertThat(reachable(PerClassTestCase.SEEN.get(0)))
                .as("the class's branch is destroyed after the class")
                .isFalse();
    }

    @Test
    void aMethodAnnotationGivesThatMethodABranchInAClassWithout() {
        MethodLevelTestCase.SEEN.clear();

        Fixtures.runDropping(MethodLevelTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        assertThat(MethodLevelTestCase.SEEN).containsOnlyKeys("first", "second");
        Branch first = MethodLevelTestCase.SEEN.get("first");
        Branch second = MethodLevelTestCase.SEEN.get("second");
        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(reachable(first)).isFalse();
        assertThat(reachable(second)).isFalse();
    }

    @Test
    void aMethodAnnotationOverridesTheClassDeclaration() {
        MethodOverridesClassTestCase.SEEN.clear();

        Fixtures.runDropping(MethodOverridesClassTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        Map<String, Object> seen = MethodOverridesClassTestCase.SEEN;
        Branch before = (Branch) seen.get("classBranchBefore");
        Branch own = (Branch) seen.get("ownBranch");
        Branch after = (Branch) seen.get("classBranchAfter");
        assertThat(after.name()).as("the class's branch is shared").isEqualTo(before.name());
        assertThat(own.name())
                .as("the annotated method gets a branch of its own")
                .isNotEqualTo(before.name());
        assertThat(seen.get("ownBranchGoneDuringTheNextTest"))
                .as("the method's own branch is destroyed after that method, not after the class")
                .isEqualTo(true);
        assertThat(reachable(own)).isFalse();
        assertThat(reachable(before)).isFalse();
    }

    @LakebaseBranch
    static class PerMethodTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void one(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(database(dataSource)).isEqualTo(branch.name());
            execute(dataSource, "DELETE FROM inventory");
        }

        @Test
        void two(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(database(dataSource)).isEqualTo(branch.name());
            execute(dataSource, "DELETE FROM inventory");
        }

        @Test
        void three(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(database(dataSource)).isEqualTo(branch.name());
            execute(dataSource, "DELETE FROM inventory");
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @Test
        @Order(1)
        void deletesARow(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            execute(dataSource, "DELETE FROM inventory WHERE id = 1");
        }

        @Test
        @Order(2)
        void seesTheRowDeletedByTheFirstTest(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(2);
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MethodLevelTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        @Order(1)
        @LakebaseBranch
        void first(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.put("first", branch);
            assertThat(database(dataSource)).isEqualTo(branch.name());
            execute(dataSource, "DROP TABLE inventory");
        }

        @Test
        @Order(2)
        void notAnnotated() {
            // needs no branch, and gets none
        }

        @Test
        @Order(3)
        @LakebaseBranch
        void second(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.put("second", branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MethodOverridesClassTestCase {

        static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

        @Test
        @Order(1)
        void usesTheClassBranch(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.put("classBranchBefore", branch);
            execute(dataSource, "DELETE FROM inventory WHERE id = 1");
        }

        @Test
        @Order(2)
        @LakebaseBranch
        void hasItsOwnBranch(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.put("ownBranch", branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory"))
                    .as("a fresh branch, without the class branch's change")
                    .isEqualTo(3);
            execute(dataSource, "DROP TABLE inventory");
        }

        @Test
        @Order(3)
        void usesTheClassBranchAgain(Branch branch, DataSource dataSource) throws Exception {
            SEEN.put("classBranchAfter", branch);
            // Dropped in the background while JUnit reports its test; the class's branch lives until the class ends.
            SEEN.put(
                    "ownBranchGoneDuringTheNextTest",
                    goneWithin((Branch) SEEN.get("ownBranch"), Duration.ofSeconds(30)));
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(2);
        }
    }
}
