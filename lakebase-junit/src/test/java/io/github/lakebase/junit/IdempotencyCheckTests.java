package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code lakebase.migrations.check-idempotency=true}: on a throwaway branch of a fresh base, every migration the base
 * applied beyond its parent runs a second time through its tool, and one that cannot fails the tests that need the
 * base, named as its tool names it.
 */
class IdempotencyCheckTests {

    private static final Map<String, String> CHECKED = Map.of("lakebase.migrations.check-idempotency", "true");

    @Test
    void idempotentFlywayMigrationsPassTheCheck() {
        Fixtures.assertAllSucceeded(Fixtures.run(IdempotentFlywayTestCase.class, CHECKED), 1);
    }

    @Test
    void aFlywayMigrationThatCannotRunTwiceFailsNamedWithItsVersionDescriptionAndScript() {
        var results = Fixtures.run(NotIdempotentFlywayTestCase.class, CHECKED);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(Fixtures.failureMessages(results))
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("A migration cannot run twice (lakebase.migrations.check-idempotency=true)")
                        .contains("forgot the 2 migration(s) the base applied beyond its parent")
                        .contains("V2 (parcel weight) in V2__parcel_weight.sql")
                        .contains("column \"weight_grams\" of relation \"parcel\" already exists")
                        .doesNotContain("V1__parcel.sql"));
    }

    @Test
    void aFlywayJavaMigrationThatCannotRunTwiceFailsNamedWithItsClass() {
        var results = Fixtures.run(NotIdempotentJavaTestCase.class, CHECKED);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(Fixtures.failureMessages(results))
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("V1 (Create crate) in migrations.javaonce.V1__Create_crate")
                        .contains("relation \"crate\" already exists"));
    }

    @Test
    void theCheckIsOffByDefault() {
        Fixtures.assertAllSucceeded(Fixtures.run(NotIdempotentFlywayTestCase.class), 1);
        Fixtures.assertAllSucceeded(Fixtures.run(NotIdempotentLiquibaseTestCase.class), 1);
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        NotIdempotentFlywayTestCase.class, Map.of("lakebase.migrations.check-idempotency", "false")),
                1);
    }

    @Test
    void idempotentLiquibaseChangesetsPassTheCheck() {
        Fixtures.assertAllSucceeded(Fixtures.run(IdempotentLiquibaseTestCase.class, CHECKED), 1);
    }

    @Test
    void aLiquibaseChangesetThatCannotRunTwiceFailsNamedWithItsFileIdAndAuthor() {
        var results = Fixtures.run(NotIdempotentLiquibaseTestCase.class, CHECKED);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(Fixtures.failureMessages(results))
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("A changeset cannot run twice (lakebase.migrations.check-idempotency=true)")
                        .contains("forgot the 2 changeset(s) the base applied beyond its parent")
                        .contains("changelogs/notidempotent/changelog.xml::2::bob")
                        .contains("column \"carrier\" of relation \"shipment\" already exists")
                        .doesNotContain("migration(s)")
                        .doesNotContain("A migration"));
    }

    static void assertColumns(DataSource dataSource, String table, long columns) throws SQLException {
        assertThat(Fixtures.count(
                        dataSource,
                        "SELECT count(*) FROM information_schema.columns WHERE table_name = '" + table + "'"))
                .isEqualTo(columns);
    }

    @LakebaseBranch(migrations = "classpath:migrations/idempotent")
    static class IdempotentFlywayTestCase {
        @org.junit.jupiter.api.Test
        void migrated(DataSource dataSource) throws SQLException {
            assertColumns(dataSource, "ledger_account", 3);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/notidempotent")
    static class NotIdempotentFlywayTestCase {
        @org.junit.jupiter.api.Test
        void migrated(DataSource dataSource) throws SQLException {
            assertColumns(dataSource, "parcel", 2);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/javaonce")
    static class NotIdempotentJavaTestCase {
        @org.junit.jupiter.api.Test
        void migrated(DataSource dataSource) throws SQLException {
            assertColumns(dataSource, "crate", 1);
        }
    }

    @LakebaseBranch(migrations = "liquibase:changelogs/idempotent/changelog.xml")
    static class IdempotentLiquibaseTestCase {
        @org.junit.jupiter.api.Test
        void migrated(DataSource dataSource) throws SQLException {
            assertColumns(dataSource, "account", 2);
        }
    }

    @LakebaseBranch(migrations = "liquibase:changelogs/notidempotent/changelog.xml")
    static class NotIdempotentLiquibaseTestCase {
        @org.junit.jupiter.api.Test
        void migrated(DataSource dataSource) throws SQLException {
            assertColumns(dataSource, "shipment", 2);
        }
    }
}
