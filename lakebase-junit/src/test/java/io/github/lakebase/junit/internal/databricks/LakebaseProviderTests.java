package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code lakebase.provider=databricks} against a fake workspace whose branches are real databases: every
 * test gets a branch of the migrated base, per-class and named branches, point-in-time branching,
 * reset, kept branches, and a project left as it was found.
 */
class LakebaseProviderTests {

    private static final FakeLakebase FAKE = FakeLakebase.start();
    /** What the fixtures saw: the branch and the branch it was forked from, per test. */
    static final Map<String, String> SOURCES = new ConcurrentHashMap<>();
    /** A project per test, since the tests run at the same time. */
    static final FakeProject ISOLATION = project("isolation");

    static final FakeProject SHARED = project("shared");
    static final FakeProject KEPT = project("kept");

    private static FakeProject project(String id) {
        return FAKE.createProject(
                id,
                "production",
                "CREATE TABLE customer (id int PRIMARY KEY, email text); INSERT INTO customer VALUES (1, 'a@example.com')");
    }

    @Test
    void everyTestGetsItsOwnBranchOfTheMigratedBase() {
        assertAllSucceeded(Fixtures.run(IsolationTestCase.class, FAKE.configuration("isolation")), 2);

        assertThat(SOURCES).hasSize(2);
        String base = SOURCES.values().iterator().next();
        assertThat(SOURCES.values()).as("both forked from one base").containsOnly(base);
        assertThat(SOURCES.keySet()).allSatisfy(id -> assertThat(id).matches("lbj-[a-z0-9]{7}-\\d+-.*"));
        assertThat(base).matches("projects/isolation/branches/lbj-[a-z0-9]{7}-base-\\d+");
        FakeBranch baseBranch =
                ISOLATION.branch(base.substring(base.lastIndexOf('/') + 1)).orElseThrow();
        assertThat(baseBranch.sourceBranch()).isEqualTo("projects/isolation/branches/production");
        assertThat(ISOLATION.branches())
                .extracting(FakeBranch::id)
                .as("test branches are deleted; the base stays " + "until the JVM exits")
                .containsExactlyInAnyOrder("production", baseBranch.id());
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class IsolationTestCase {

        @Test
        @Order(1)
        void deletesEverything(Branch branch, DataSource dataSource) throws SQLException {
            record(branch);
            assertThat(branch.parent()).isEqualTo("production");
            assertThat(branch.jdbcUrl())
                    .matches("jdbc:postgresql://127\\.0\\.\\d+\\.\\d+:\\d+/databricks_postgres" + "\\?sslmode=disable");
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
            SOURCES.put(
                    branch.name(), ISOLATION.branch(branch.name()).orElseThrow().sourceBranch());
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
        FakeProject history = FAKE.createProject(
                "history-tests",
                "production",
                "CREATE TABLE customer (id int PRIMARY KEY); INSERT INTO customer VALUES (1)");
        history.recordHistory("production", Instant.parse("2026-01-01T00:00:00Z"));
        history.execute("production", "INSERT INTO customer VALUES (2), (3)");
        history.recordHistory("production", Instant.parse("2026-02-01T00:00:00Z"));

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
    void resetReplacesTheBranchWithAFreshForkOfTheBase() {
        assertAllSucceeded(Fixtures.run(ResetTestCase.class, FAKE.configuration("shared")), 1);
    }

    static class ResetTestCase {

        @Test
        void reset(@LakebaseBranch Branch branch) throws SQLException {
            DataSource dataSource = branch.dataSource();
            execute(dataSource, "DELETE FROM inventory");
            String before = SHARED.branch(branch.name()).orElseThrow().database();
            branch.reset();
            assertThat(SHARED.branch(branch.name()).orElseThrow().database())
                    .as("a new fork")
                    .isNotEqualTo(before);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void aKeptBranchStaysWithTheExpiryOfKeptBranches() {
        Instant start = Instant.now();
        assertAllSucceeded(Fixtures.run(KeptTestCase.class, FAKE.configuration("kept")), 1);

        FakeBranch kept = KEPT.branch(KeptTestCase.name).orElseThrow();
        assertThat(kept.expireTime())
                .isBetween(start.plus(Duration.ofDays(7)), Instant.now().plus(Duration.ofDays(7)));
        assertThat(List.of(kept.state())).containsExactly(FakeBranch.State.READY);
    }

    static class KeptTestCase {
        static volatile String name;

        @Test
        void keep(@LakebaseBranch(cleanup = CleanupMode.NEVER) Branch branch) {
            name = branch.name();
        }
    }
}
