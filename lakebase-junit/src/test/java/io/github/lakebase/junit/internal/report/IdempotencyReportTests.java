package io.github.lakebase.junit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idempotency check's result in the run report, per base: passed, failed with the migration that cannot run
 * twice and its error, or not enabled.
 */
class IdempotencyReportTests {

    static final String FLYWAY_ONCE = "classpath:migrations/notidempotent";
    static final String FLYWAY_TWICE = "classpath:migrations/idempotent";
    static final String LIQUIBASE_TWICE = "liquibase:changelogs/idempotent/changelog.xml";

    static Map<String, String> configuration(Path directory, boolean checked) {
        Map<String, String> configuration = new HashMap<>(RunReportTests.configuration(directory));
        configuration.put("lakebase.migrations.check-idempotency", String.valueOf(checked));
        return configuration;
    }

    @Test
    void aBaseWhoseMigrationsRanTwiceIsReportedAsPassed(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(LiquibaseTwiceTestCase.class, configuration(directory, true)), 1);

        JsonNode check =
                LiquibaseReportTests.lastBase(directory, LIQUIBASE_TWICE).path("idempotency");
        assertThat(check.path("status").asText()).isEqualTo("passed");
        assertThat(check.path("migration").isNull()).isTrue();
        assertThat(check.path("error").isNull()).isTrue();
        assertThat(Files.readString(directory.resolve("report.md")))
                .contains("Idempotency check: passed: every migration beyond the parent ran a second time.");
    }

    @Test
    void aBaseWithAMigrationThatCannotRunTwiceIsReportedAsFailedWithItsNameAndError(@TempDir Path directory)
            throws IOException {
        var results = Fixtures.run(FlywayOnceTestCase.class, configuration(directory, true));
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));

        JsonNode base = LiquibaseReportTests.lastBase(directory, FLYWAY_ONCE);
        JsonNode check = base.path("idempotency");
        assertThat(check.path("status").asText()).isEqualTo("failed");
        assertThat(check.path("migration").asText()).isEqualTo("V2 (parcel weight) in V2__parcel_weight.sql");
        assertThat(check.path("error").asText())
                .contains("column \"weight_grams\" of relation \"parcel\" already exists");
        assertThat(base.path("migrations"))
                .as("what the base applied is read before it is dropped")
                .extracting(m -> m.path("script").asText())
                .containsExactly("V1__parcel.sql", "V2__parcel_weight.sql");
        assertThat(Files.readString(directory.resolve("report.md")))
                .contains("Idempotency check: **failed**: `V2 (parcel weight) in V2__parcel_weight.sql` cannot run "
                        + "twice:")
                .contains("column \"weight_grams\" of relation \"parcel\" already exists");
    }

    @Test
    void aBaseBuiltWithoutTheCheckSaysItWasNotEnabled(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(FlywayTwiceTestCase.class, configuration(directory, false)), 1);

        JsonNode check = LiquibaseReportTests.lastBase(directory, FLYWAY_TWICE).path("idempotency");
        assertThat(check.path("status").asText()).isEqualTo("not-enabled");
        assertThat(Files.readString(directory.resolve("report.md")))
                .contains("Idempotency check: not enabled (`lakebase.migrations.check-idempotency=true` enables it).");
    }

    @LakebaseBranch(from = "reportstock", migrations = FLYWAY_ONCE)
    static class FlywayOnceTestCase {
        @Test
        void migrated(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM parcel"))
                    .isZero();
        }
    }

    @LakebaseBranch(from = "reportstock", migrations = FLYWAY_TWICE)
    static class FlywayTwiceTestCase {
        @Test
        void migrated(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM ledger_account"))
                    .isEqualTo(1);
        }
    }

    @LakebaseBranch(from = "reportstock", migrations = LIQUIBASE_TWICE)
    static class LiquibaseTwiceTestCase {
        @Test
        void migrated(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM account"))
                    .isEqualTo(1);
        }
    }
}
