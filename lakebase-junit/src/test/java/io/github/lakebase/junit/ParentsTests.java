package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Named parents: built once from scripts and an initializer, then migrated and forked. */
class ParentsTests {

    static final Map<String, String> STAGING = Map.of(
            "lakebase.parents", "staging, broken",
            "lakebase.parent.staging.scripts", "classpath:parents/staging.sql",
            "lakebase.parent.staging.initializer", StagingData.class.getName(),
            "lakebase.parent.broken.scripts", "classpath:parents/broken.sql");

    @Test
    void aConfiguredParentIsBuiltOnceThenMigratedAndForked() {
        StagingData.RUNS.set(0);
        Fixtures.assertAllSucceeded(Fixtures.run(StagingTestCase.class, STAGING), 2);

        assertThat(StagingData.RUNS).hasValue(1);
    }

    @Test
    void theDefaultParentComesFromConfiguration() {
        var configuration = new java.util.HashMap<>(STAGING);
        configuration.put("lakebase.from", "staging");
        Fixtures.assertAllSucceeded(Fixtures.run(DefaultParentTestCase.class, configuration), 1);
    }

    @Test
    void anUnknownParentListsTheKnownOnes() {
        Fixtures.run(UnknownParentTestCase.class, STAGING)
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("Unknown parent 'stagin'")
                                                && m.contains("template1")
                                                && m.contains("staging")
                                                && m.contains("lakebase.parents")))));
    }

    @Test
    void theMaintenanceDatabaseIsRefusedAsAParentAtOnce() {
        Fixtures.run(MaintenanceParentTestCase.class)
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("'postgres' cannot be a parent")
                                                && m.contains("template1")))));
    }

    @Test
    void aFailingParentScriptIsReportedWithTheScript() {
        Fixtures.run(BrokenParentTestCase.class, STAGING)
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(message(m ->
                                        m.contains("classpath:parents/broken.sql") && m.contains("duplicate key")))));
    }

    /** Production-shaped rows on top of the scripts, the way a team would generate them. */
    public static class StagingData implements ParentInitializer {
        static final AtomicInteger RUNS = new AtomicInteger();

        @Override
        public void initialize(Connection connection) throws SQLException {
            RUNS.incrementAndGet();
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE vip (customer_id integer REFERENCES customer (id))");
                s.execute("INSERT INTO vip SELECT id FROM customer WHERE id % 100 = 0");
            }
        }
    }

    @LakebaseBranch(from = "staging")
    static class StagingTestCase {
        @Test
        void parentDataAndMigrationsAreBothThere(DataSource dataSource, Branch branch) throws SQLException {
            assertThat(branch.parent()).isEqualTo("staging");
            assertThat(count(dataSource, "SELECT count(*) FROM customer")).isEqualTo(500);
            assertThat(count(dataSource, "SELECT count(*) FROM vip")).isEqualTo(5);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @Test
        void destroyingParentDataStaysOnTheBranch(DataSource dataSource) throws SQLException {
            Fixtures.execute(dataSource, "TRUNCATE vip, customer");
            assertThat(count(dataSource, "SELECT count(*) FROM customer")).isZero();
        }
    }

    @LakebaseBranch
    static class DefaultParentTestCase {
        @Test
        void test(Branch branch, DataSource dataSource) throws SQLException {
            assertThat(branch.parent()).isEqualTo("staging");
            assertThat(count(dataSource, "SELECT count(*) FROM customer")).isEqualTo(500);
        }
    }

    @LakebaseBranch(from = "stagin")
    static class UnknownParentTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch(from = "postgres")
    static class MaintenanceParentTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch(from = "broken")
    static class BrokenParentTestCase {
        @Test
        void test(DataSource dataSource) {}
    }
}
