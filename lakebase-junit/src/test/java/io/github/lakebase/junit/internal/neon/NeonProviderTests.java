package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code lakebase.provider=neon} against a fake Neon whose branches are real databases: every test gets a
 * branch of the migrated base, per-class and named branches, point-in-time branching, a reset through
 * {@code restore}, kept branches and their base, and a project left as it was found.
 */
class NeonProviderTests {

    private static final FakeNeon FAKE = FakeNeon.start();
    static final Map<String, String> PARENTS = new ConcurrentHashMap<>();
    static final NeonFakeProject ISOLATION = project("isolation");
    static final NeonFakeProject SHARED = project("shared");
    static final NeonFakeProject KEPT = project("kept");

    private static NeonFakeProject project(String id) {
        return FAKE.createProject(
                id,
                "main",
                "CREATE TABLE customer (id int PRIMARY KEY, email text); INSERT INTO customer VALUES (1, 'a@example.com')");
    }

    @Test
    void everyTestGetsItsOwnBranchOfTheMigratedBase() {
        assertAllSucceeded(Fixtures.run(IsolationTestCase.class, FAKE.configuration("isolation")), 2);

        assertThat(PARENTS).hasSize(2);
        String base = PARENTS.values().iterator().next();
        assertThat(PARENTS.values()).as("both forked from one base").containsOnly(base);
        NeonFakeBranch baseBranch = ISOLATION.branches().stream()
                .filter(b -> b.id().equals(base))
                .findFirst()
                .orElseThrow();
        assertThat(baseBranch.name()).matches("lbj_[a-z0-9]{7}_base_\\d+");
        assertThat(ISOLATION.branches())
                .extracting(NeonFakeBranch::name)
                .as("test branches are deleted; the base stays until the JVM exits")
                .containsExactlyInAnyOrder("main", baseBranch.name());
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class IsolationTestCase {

        @Test
        @Order(1)
        void deletesEverything(Branch branch, DataSource dataSource) throws SQLException {
            record(branch);
            assertThat(branch.parent()).isEqualTo("main");
            assertThat(branch.jdbcUrl())
                    .matches("jdbc:postgresql://127\\.0\\.\\d+\\.\\d+:\\d+/neondb\\?sslmode=disable");
            execute(dataSource, "DELETE FROM inventory; DELETE FROM customer");
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isZero();
        }

        @Test
        @Order(2)
        void seesTheMigratedParent(Branch branch, DataSource dataSource) throws SQLException {
            record(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            assertThat(count(dataSource, "SELECT count(*) FROM customer")).isEqualTo(1);
        }

        private static void record(Branch branch) {
            PARENTS.put(
                    branch.name(),
                    ISOLATION.branchNamed(branch.name()).orElseThrow().parentId());
        }
    }

    @Test
    void aPerClassBranchIsSharedAndNamedBranchesAreIndependent() {
        assertAllSucceeded(Fixtures.run(PerClassTestCase.class, FAKE.configuration("shared")), 2);
        assertAllSucceeded(Fixtures.run(NamedTestCase.class, FAKE.configuration("shared")), 1);
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassTestCase {

        @Test
        @Order(1)
        void writes(DataSource dataSource) throws SQLException {
            execute(dataSource, "INSERT INTO inventory (inventory_code) VALUES ('shared')");
        }

        @Test
        @Order(2)
        void seesWhatTheFirstWrote(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory WHERE inventory_code = 'shared'"))
                    .isOne();
        }
    }

    static class NamedTestCase {

        @Test
        void twoDesignsSideBySide(
                @LakebaseBranch(name = "a") DataSource a,
                @LakebaseBranch(name = "b") DataSource b,
                @LakebaseBranch(name = "a") Branch branchA,
                @LakebaseBranch(name = "b") Branch branchB)
                throws SQLException {
            assertThat(branchA.jdbcUrl()).isNotEqualTo(branchB.jdbcUrl());
            execute(a, "ALTER TABLE inventory ADD COLUMN location text");
            assertThat(count(b, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'location'"))
                    .isZero();
        }
    }

    @Test
    void asOfForksTheParentAsItWasThen() {
        NeonFakeProject history = FAKE.createProject(
                "history-tests", "main", "CREATE TABLE customer (id int PRIMARY KEY); INSERT INTO customer VALUES (1)");
        history.recordHistory("main", Instant.parse("2026-01-01T00:00:00Z"));
        history.execute("main", "INSERT INTO customer VALUES (2), (3)");
        history.recordHistory("main", Instant.parse("2026-02-01T00:00:00Z"));

        assertAllSucceeded(Fixtures.run(PointInTimeTestCase.class, FAKE.configuration("history-tests")), 2);
    }

    static class PointInTimeTestCase {

        @Test
        void inJanuary(@LakebaseBranch(asOf = "2026-01-15T00:00:00Z") DataSource january) throws SQLException {
            assertThat(count(january, "SELECT count(*) FROM customer")).isOne();
            assertThat(count(january, "SELECT count(*) FROM inventory"))
                    .as("migrated")
                    .isEqualTo(3);
        }

        @Test
        void now(@LakebaseBranch DataSource now) throws SQLException {
            assertThat(count(now, "SELECT count(*) FROM customer")).isEqualTo(3);
        }
    }

    @Test
    void resetRestoresTheBranchFromItsBaseInPlace() {
        assertAllSucceeded(Fixtures.run(ResetTestCase.class, FAKE.configuration("shared")), 1);
    }

    static class ResetTestCase {

        @Test
        void reset(@LakebaseBranch Branch branch) throws SQLException {
            DataSource dataSource = branch.dataSource();
            String url = branch.jdbcUrl();
            execute(dataSource, "DELETE FROM inventory");
            NeonFakeBranch before = SHARED.branchNamed(branch.name()).orElseThrow();
            branch.reset();
            NeonFakeBranch after = SHARED.branchNamed(branch.name()).orElseThrow();
            assertThat(after.id()).as("the same branch").isEqualTo(before.id());
            assertThat(after.lastResetAt()).as("restored").isNotNull();
            assertThat(branch.jdbcUrl()).as("the same endpoint").isEqualTo(url);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void aKeptBranchAndItsBaseStayWithTheExpiryOfKeptBranches() {
        Instant start = Instant.now();
        Fixtures.run(FailingTestCase.class, FAKE.configuration("kept"));

        NeonFakeBranch kept = KEPT.branchNamed(FailingTestCase.name).orElseThrow();
        assertThat(kept.expiresAt())
                .isBetween(
                        start.plus(Duration.ofDays(7)).minusSeconds(1),
                        Instant.now().plus(Duration.ofDays(7)));
        NeonFakeBranch base = KEPT.branches().stream()
                .filter(b -> b.id().equals(kept.parentId()))
                .findFirst()
                .orElseThrow();
        assertThat(base.expiresAt()).isAfterOrEqualTo(kept.expiresAt());
    }

    static class FailingTestCase {
        static volatile String name;

        @Test
        void fails(@LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS) Branch branch) {
            name = branch.name();
            assertThat(branch.name()).as("a test that fails").isEmpty();
        }
    }

    @Test
    void aBranchKeptForGoodStaysWithTheExpiryOfKeptBranches() {
        Instant start = Instant.now();
        assertAllSucceeded(Fixtures.run(KeptTestCase.class, FAKE.configuration("kept")), 1);

        NeonFakeBranch kept = KEPT.branchNamed(KeptTestCase.name).orElseThrow();
        assertThat(kept.expiresAt())
                .isBetween(
                        start.plus(Duration.ofDays(7)).minusSeconds(1),
                        Instant.now().plus(Duration.ofDays(7)));
        assertThat(kept.state()).isEqualTo("ready");
    }

    static class KeptTestCase {
        static volatile String name;

        @Test
        void keep(@LakebaseBranch(cleanup = CleanupMode.NEVER) Branch branch) {
            name = branch.name();
        }
    }
}
