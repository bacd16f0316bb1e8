package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Migrations run once per parent and location set, into a sealed base; failures are explicit. */
class MigrationsTests {

    @Test
    void defaultLocationIsAppliedOnceIntoABaseThatEveryBranchIsForkedFrom() {
        OnceTestCase.HISTORY.clear();
        Fixtures.run(OnceTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(3).succeeded(3));

        assertThat(OnceTestCase.HISTORY)
                .hasSize(3)
                .allSatisfy(h -> assertThat(h).isEqualTo(1L));
    }

    @Test
    void explicitLocationsReplaceTheDefault() {
        Fixtures.run(ExplicitLocationTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void configuredLocationsReplaceTheDefault() {
        Fixtures.run(ConfiguredLocationTestCase.class, Map.of("lakebase.migrations", "classpath:migrations/orders"))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aFailingMigrationNamesTheScriptAndTheSqlErrorAndIsNotRetriedPerTest() {
        var results = Fixtures.run(FailingMigrationTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        results.testEvents()
                .assertThatEvents()
                .allSatisfy(e -> {})
                .filteredOn(e -> e.getType() == org.junit.platform.testkit.engine.EventType.FINISHED)
                .allSatisfy(e -> assertThat(e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .getThrowable()
                                .orElseThrow()
                                .getMessage())
                        .contains("V2__broken_backfill.sql")
                        .contains("missing_payments")
                        .contains("does not exist"));
    }

    @Test
    void aMissingLocationIsAConfigurationError() {
        Fixtures.run(MissingLocationTestCase.class)
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("classpath:migrations/nowhere")
                                                && m.contains("does not exist")))));
    }

    @Test
    void noMigrationsForksTheParentUnmigratedThoughTheProjectHasDbMigration() {
        Fixtures.assertAllSucceeded(Fixtures.run(NoMigrationsTestCase.class), 2);
    }

    @Test
    void noneConfiguredForksTheParentUnmigrated() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(UnmigratedByConfigurationTestCase.class, Map.of("lakebase.migrations", "none")), 1);
        Fixtures.assertAllSucceeded(
                Fixtures.run(UnmigratedByConfigurationTestCase.class, Map.of("lakebase.migrations", "lakebase:none")),
                1);
    }

    @Test
    void flywayLocationsIsTheDefaultOfATestThatNamesNoMigrations() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ConfiguredLocationTestCase.class, Map.of("flyway.locations", "classpath:migrations/orders")),
                1);
    }

    @Test
    void theAnnotationAndLakebaseMigrationsWinOverFlywayLocations() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ExplicitLocationTestCase.class, Map.of("flyway.locations", "classpath:migrations/failing")),
                1);
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ConfiguredLocationTestCase.class,
                        Map.of(
                                "lakebase.migrations", "classpath:migrations/orders",
                                "flyway.locations", "classpath:migrations/failing")),
                1);
    }

    @Test
    void noMigrationsBesideALocationIsAConfigurationError() {
        Fixtures.run(NoMigrationsAndALocationTestCase.class)
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("test"),
                                finishedWithFailure(
                                        instanceOf(ExtensionConfigurationException.class),
                                        message(m -> m.contains("lakebase:none")
                                                && m.contains("classpath:migrations/orders")))));
    }

    static void assertUnmigrated(DataSource dataSource) throws SQLException {
        assertThat(count(
                        dataSource,
                        "SELECT count(*) FROM pg_tables WHERE tablename IN ('inventory', 'flyway_schema_history')"))
                .isZero();
    }

    @LakebaseBranch(migrations = LakebaseBranch.NO_MIGRATIONS)
    static class NoMigrationsTestCase {
        @Test
        void unmigrated(DataSource dataSource) throws SQLException {
            assertUnmigrated(dataSource);
        }

        @Test
        @LakebaseBranch(migrations = {})
        void anEmptyDeclarationOnAMethodKeepsTheClasss(DataSource dataSource) throws SQLException {
            assertUnmigrated(dataSource);
        }
    }

    @LakebaseBranch
    static class UnmigratedByConfigurationTestCase {
        @Test
        void unmigrated(DataSource dataSource) throws SQLException {
            assertUnmigrated(dataSource);
        }
    }

    static class NoMigrationsAndALocationTestCase {
        @Test
        @LakebaseBranch(migrations = {LakebaseBranch.NO_MIGRATIONS, "classpath:migrations/orders"})
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch
    static class OnceTestCase {
        static final List<Long> HISTORY = new CopyOnWriteArrayList<>();

        @RepeatedTest(3)
        void historyHasOneMigration(DataSource dataSource) throws SQLException {
            HISTORY.add(count(dataSource, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/orders")
    static class ExplicitLocationTestCase {
        @Test
        void onlyOrders(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM orders")).isEqualTo(2);
            assertThat(count(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'inventory'"))
                    .isZero();
        }
    }

    @LakebaseBranch
    static class ConfiguredLocationTestCase {
        @Test
        void onlyOrders(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM orders")).isEqualTo(2);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/failing")
    static class FailingMigrationTestCase {
        @Test
        void first(DataSource dataSource) {}

        @Test
        void second(DataSource dataSource) {}
    }

    static class MissingLocationTestCase {
        @Test
        @LakebaseBranch(migrations = "classpath:migrations/nowhere")
        void test(DataSource dataSource) {}
    }
}
