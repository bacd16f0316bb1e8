package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway is configured as Flyway configures itself: its {@code flyway.*} keys, as JUnit configuration
 * parameters or in a configuration file, reach the migrations of a base, and a base built with other
 * settings is another base. (The environment, system properties, {@code junit-platform.properties} and
 * the default configuration files are in {@code faults.FlywayConfigurationSourcesTests}: they need a JVM
 * of their own.)
 */
class FlywayConfigurationTests {

    @TempDir
    Path dir;

    @Test
    void aPlaceholderFromAConfigurationFileNamedByFlywayConfigFilesReachesTheMigrations() throws IOException {
        Path conf = Files.writeString(dir.resolve("tenant.conf"), "flyway.placeholders.tenant=acme\n");

        Fixtures.assertAllSucceeded(
                Fixtures.run(PlaceholderTestCase.class, Map.of("flyway.configFiles", conf.toString())), 1);

        assertThat(PlaceholderTestCase.tenant).isEqualTo("acme");
    }

    @Test
    void aRunReadsFlywaysConfigurationOnceForAllItsTests() throws IOException {
        Path conf = Files.writeString(dir.resolve("once.conf"), "flyway.placeholders.tenant=initech\n");
        ReadOnceTestCase.conf = conf;
        ReadOnceTestCase.TENANTS.clear();

        Fixtures.assertAllSucceeded(
                Fixtures.run(ReadOnceTestCase.class, Map.of("flyway.configFiles", conf.toString())), 2);

        assertThat(ReadOnceTestCase.TENANTS).containsExactly("initech", "initech");
    }

    @Test
    void basesBuiltWithOtherSettingsAreOtherBases() throws IOException {
        Path acme = Files.writeString(dir.resolve("acme.conf"), "flyway.placeholders.tenant=acme\n");
        Path globex = Files.writeString(dir.resolve("globex.conf"), "flyway.placeholders.tenant=globex\n");

        Fixtures.assertAllSucceeded(
                Fixtures.run(PlaceholderTestCase.class, Map.of("flyway.configFiles", acme.toString())), 1);
        assertThat(PlaceholderTestCase.tenant).isEqualTo("acme");
        Fixtures.assertAllSucceeded(
                Fixtures.run(PlaceholderTestCase.class, Map.of("flyway.configFiles", globex.toString())), 1);
        assertThat(PlaceholderTestCase.tenant).isEqualTo("globex");
    }

    @Test
    void flywayTableNamesTheHistoryTable() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(HistoryTableTestCase.class, Map.of("flyway.table", "schema_version_of_tests")), 1);
    }

    @Test
    void flywaySchemasAndDefaultSchemaPlaceTheMigratedObjects() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        SchemasTestCase.class, Map.of("flyway.schemas", "shop,audit", "flyway.defaultSchema", "shop")),
                1);
    }

    @Test
    void placeholderReplacementCanBeTurnedOff() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(LiteralTestCase.class, Map.of("flyway.placeholderReplacement", "false")), 1);
    }

    @Test
    void sqlMigrationPrefixNamesTheVersionedScripts() {
        Fixtures.assertAllSucceeded(Fixtures.run(PrefixTestCase.class, Map.of("flyway.sqlMigrationPrefix", "M")), 1);
    }

    @Test
    void callbackLocationsAddCallbackScripts() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        CallbackTestCase.class, Map.of("flyway.callbackLocations", "classpath:migrations/callbacks")),
                1);
    }

    @Test
    void targetStopsTheMigrationsAtAVersion() {
        Fixtures.assertAllSucceeded(Fixtures.run(TargetTestCase.class, Map.of("flyway.target", "1")), 1);
    }

    @Test
    void theUsersSettingsWinOverTheLibrarysDefaults() {
        Map<String, String> configuration = new HashMap<>(ParentsTests.STAGING);
        configuration.put("flyway.baselineVersion", "1");
        Fixtures.assertAllSucceeded(Fixtures.run(BaselineTestCase.class, configuration), 1);
    }

    @Test
    void theTargetDatabaseIsTheBaseWhateverFlywayUrlUserAndPasswordSay() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ExplicitOrdersTestCase.class,
                        Map.of(
                                "flyway.url", "jdbc:postgresql://db.invalid:5432/production",
                                "flyway.user", "nobody",
                                "flyway.password", "wrong")),
                1);
    }

    /**
     * Only the build plugins' own properties are dropped (see FlywayConfigurationSourcesTests): a key Flyway does not
     * know, misspelt say, still fails the test, with Flyway's words and where the settings came from.
     */
    @Test
    void aKeyFlywayDoesNotKnowFailsTheTestNamingTheKeyAndTheSources() throws IOException {
        Path conf = Files.writeString(
                dir.resolve("typo.conf"), "flyway.placeholders.tenant=acme\nflyway.placeholderz.tenant=acme\n");

        List<String> messages = Fixtures.failureMessages(
                Fixtures.run(PlaceholderTestCase.class, Map.of("flyway.configFiles", conf.toString())));

        assertThat(messages)
                .singleElement()
                .asString()
                .contains("Flyway refused its configuration")
                .contains("flyway.placeholderz.tenant")
                .contains(conf.toString());
    }

    /**
     * A migration that fails for want of a setting (here a placeholder without a value) says which key gives it, and
     * where the library read Flyway's settings from and could have: a project whose settings live where the library
     * does not look (its build plugin's configuration, an {@code application.yml}) learns where to put them.
     */
    @Test
    void aPlaceholderWithoutAValueFailsTheTestNamingTheKeyAndWhereSettingsAreRead() {
        List<String> messages = Fixtures.failureMessages(Fixtures.run(PlaceholderTestCase.class, Map.of()));

        assertThat(messages)
                .singleElement()
                .asString()
                .contains("No value provided for placeholder: ${tenant}")
                .contains("flyway.placeholders.tenant=")
                .contains("FLYWAY_PLACEHOLDERS_TENANT")
                .contains("src/test/resources/flyway.conf")
                .contains("junit-platform.properties")
                .contains("Flyway's settings came from")
                .contains("docs/migrations.md");
    }

    /**
     * Any failed migration names where Flyway's settings came from, since a setting that did not reach the library
     * (a schema, a placeholder with a default in SQL) shows only as a failing statement.
     */
    @Test
    void aFailedMigrationNamesWhereFlywaysSettingsCameFrom() throws IOException {
        Path conf = Files.writeString(dir.resolve("failing.conf"), "flyway.table=history\n");

        List<String> messages = Fixtures.failureMessages(
                Fixtures.run(FailingTestCase.class, Map.of("flyway.configFiles", conf.toString())));

        assertThat(messages)
                .singleElement()
                .asString()
                .contains("half-migrated")
                .contains("Flyway's settings came from")
                .contains(conf.toString())
                .doesNotContain("flyway.placeholders.");
    }

    static String single(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/placeholders")
    static class PlaceholderTestCase {
        static volatile String tenant;

        @Test
        void defaultsToTheTenant(DataSource dataSource) throws SQLException {
            tenant = single(dataSource, "INSERT INTO audit_entry DEFAULT VALUES RETURNING tenant");
        }
    }

    /** The first test deletes the configuration file: the second is planned from what the first read. */
    @LakebaseBranch(migrations = "classpath:migrations/placeholders")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ReadOnceTestCase {
        static volatile Path conf;
        static final List<String> TENANTS = new CopyOnWriteArrayList<>();

        @Test
        @Order(1)
        void first(DataSource dataSource) throws Exception {
            TENANTS.add(single(dataSource, "INSERT INTO audit_entry DEFAULT VALUES RETURNING tenant"));
            Files.delete(conf);
        }

        @Test
        @Order(2)
        void second(DataSource dataSource) throws Exception {
            TENANTS.add(single(dataSource, "INSERT INTO audit_entry DEFAULT VALUES RETURNING tenant"));
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/orders")
    static class HistoryTableTestCase {
        @Test
        void recordsInTheNamedTable(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM schema_version_of_tests WHERE success"))
                    .isEqualTo(1);
            assertThat(count(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'"))
                    .isZero();
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/unqualified")
    static class SchemasTestCase {
        @Test
        void createsInTheDefaultSchema(DataSource dataSource) throws SQLException {
            assertThat(single(dataSource, "SELECT schemaname FROM pg_tables WHERE tablename = 'product'"))
                    .isEqualTo("shop");
            assertThat(single(dataSource, "SELECT schemaname FROM pg_tables WHERE tablename = 'flyway_schema_history'"))
                    .isEqualTo("shop");
            assertThat(count(dataSource, "SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'"))
                    .isEqualTo(1);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/literal")
    static class LiteralTestCase {
        @Test
        void keepsTheTextAsWritten(DataSource dataSource) throws SQLException {
            assertThat(single(dataSource, "SELECT body FROM mail_template"))
                    .isEqualTo("Dear ${name}, your order has shipped.");
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/prefixed")
    static class PrefixTestCase {
        @Test
        void appliesThePrefixedScript(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM shipment")).isZero();
            assertThat(single(dataSource, "SELECT script FROM flyway_schema_history WHERE version = '1'"))
                    .isEqualTo("M1__create_shipment.sql");
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/orders")
    static class CallbackTestCase {
        @Test
        void ranTheCallbackOnce(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM migration_run")).isEqualTo(1);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/failing")
    static class FailingTestCase {
        @Test
        void neverRuns() {
            throw new AssertionError("the migrations fail before the test runs");
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/failing")
    static class TargetTestCase {
        @Test
        void appliesUpToTheTarget(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"))
                    .isEqualTo(1);
            assertThat(count(dataSource, "SELECT count(*) FROM flyway_schema_history WHERE version = '2'"))
                    .isZero();
        }
    }

    @LakebaseBranch(from = "staging", migrations = "classpath:migrations/orders")
    static class BaselineTestCase {
        @Test
        void baselinesAtTheUsersVersion(DataSource dataSource) throws SQLException {
            assertThat(single(dataSource, "SELECT version FROM flyway_schema_history WHERE type = 'BASELINE'"))
                    .isEqualTo("1");
            assertThat(count(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"))
                    .as("V1 is at the baseline, so it is not applied")
                    .isZero();
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/orders")
    static class ExplicitOrdersTestCase {
        @Test
        void migratedTheBase(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM orders")).isEqualTo(2);
        }
    }
}
