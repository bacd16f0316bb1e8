package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.database;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Destructive tests running concurrently, each on its own branch, as junit-pioneer tests its extensions. */
@Execution(ExecutionMode.SAME_THREAD) // its fixtures note what they see in static fields
class ParallelExecutionTests {

    static final Map<String, String> CONCURRENT = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "8");

    @Test
    void concurrentDestructiveTestsEachSeeThePristineParentOnTheirOwnBranch() {
        DestructiveTestCase.SEEN.clear();
        DestructiveTestCase.RUNNING.set(0);
        DestructiveTestCase.MOST_AT_ONCE.set(0);
        DestructiveTestCase.MEETING = new CountDownLatch(2);

        Fixtures.runDropping(DestructiveTestCase.class, CONCURRENT)
                .testEvents()
                .assertStatistics(s -> s.started(24).succeeded(24).failed(0));

        List<Branch> seen = DestructiveTestCase.SEEN;
        assertThat(seen).hasSize(24).extracting(Branch::name).doesNotHaveDuplicates();
        assertThat(DestructiveTestCase.MOST_AT_ONCE.get())
                .as("the tests really ran concurrently")
                .isGreaterThan(1);
        assertThat(seen)
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @Test
    void concurrentDestructiveTestsOnBranchesRestoredInPlaceNeverShareOneAndEachSeesThePristineParent() {
        DestructiveTestCase.SEEN.clear();
        DestructiveTestCase.RUNNING.set(0);
        DestructiveTestCase.MOST_AT_ONCE.set(0);
        DestructiveTestCase.MEETING = new CountDownLatch(2);
        DestructiveTestCase.IN_USE.clear();

        Fixtures.assertAllSucceeded(Fixtures.run(DestructiveTestCase.class, CONCURRENT), 24);

        assertThat(DestructiveTestCase.MOST_AT_ONCE.get())
                .as("the tests really ran concurrently")
                .isGreaterThan(1);
        assertThat(DestructiveTestCase.SEEN).hasSize(24);
    }

    @Test
    void concurrentTestsAndNestedClassesShareOnePerClassBranch() {
        SharedTestCase.SEEN.clear();

        Fixtures.runDropping(SharedTestCase.class, CONCURRENT)
                .testEvents()
                .assertStatistics(s -> s.started(16).succeeded(16));

        List<Branch> seen = SharedTestCase.SEEN;
        assertThat(seen)
                .hasSize(16)
                .extracting(Branch::name)
                .containsOnly(seen.get(0).name());
        assertThat(reachable(seen.get(0))).isFalse();
    }

    @LakebaseBranch(lifecycle = LakebaseBranch.Lifecycle.PER_CLASS)
    static class SharedTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @RepeatedTest(8)
        void outer(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @org.junit.jupiter.api.Nested
        class Inner {

            @RepeatedTest(8)
            void inner(Branch branch, Connection connection) throws SQLException {
                SEEN.add(branch);
                assertThat(database(connection)).isEqualTo(branch.name());
            }
        }
    }

    @LakebaseBranch
    static class DestructiveTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();
        static final AtomicInteger RUNNING = new AtomicInteger();
        static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();
        /** The branches of the tests running now: a branch restored in place serves one test at a time. */
        static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();
        /** Holds the first test on its branch until a second one is on its own, if tests run concurrently. */
        static volatile CountDownLatch MEETING = new CountDownLatch(0);

        @LakebaseBranch
        DataSource field;

        @RepeatedTest(8)
        void deletesEverything(Branch branch, DataSource dataSource) throws Exception {
            destroy(branch, dataSource, "DELETE FROM inventory");
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isZero();
        }

        @RepeatedTest(8)
        void dropsTheTable(Branch branch, Connection connection) throws Exception {
            destroy(branch, field, "DROP TABLE inventory");
            assertThat(count(
                            connection,
                            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'inventory'"))
                    .isZero();
        }

        @RepeatedTest(8)
        void rewritesEveryRow(Branch branch, DataSource dataSource) throws Exception {
            destroy(branch, dataSource, "UPDATE inventory SET quantity = -1, inventory_code = 'gone'");
            assertThat(count(dataSource, "SELECT count(*) FROM inventory WHERE quantity = -1"))
                    .isEqualTo(3);
        }

        private void destroy(Branch branch, DataSource dataSource, String sql)
                throws SQLException, InterruptedException {
            int running = RUNNING.incrementAndGet();
            MOST_AT_ONCE.accumulateAndGet(running, Math::max);
            assertThat(IN_USE.add(branch.name()))
                    .as("branch %s is no other running test's", branch.name())
                    .isTrue();
            try {
                SEEN.add(branch);
                assertThat(database(dataSource)).isEqualTo(branch.name());
                assertThat(database(field)).isEqualTo(branch.name());
                assertThat(count(dataSource, "SELECT count(*) FROM inventory"))
                        .as("the pristine migrated parent")
                        .isEqualTo(3);
                assertThat(count(dataSource, "SELECT sum(quantity) FROM inventory"))
                        .isEqualTo(20);
                MEETING.countDown();
                MEETING.await(120, TimeUnit.SECONDS); // one at a time, the first test gives up waiting
                execute(dataSource, sql);
            } finally {
                IN_USE.remove(branch.name());
                RUNNING.decrementAndGet();
            }
        }
    }
}
