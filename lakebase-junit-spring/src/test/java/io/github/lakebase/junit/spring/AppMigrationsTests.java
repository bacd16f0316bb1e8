package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application migrates itself: what Boot's Flyway or Liquibase does when the context starts, with
 * every {@code spring.flyway.*} and {@code spring.liquibase.*} setting of the application, builds the
 * base of the test branches, and the library applies none of those migrations itself first.
 *
 * <p>Each run tells the library the application's migration folder ({@code lakebase.migrations}), as it
 * finds {@code classpath:db/migration}, Boot's default location, on its own: a Spring test's
 * {@code @LakebaseBranch} without {@code migrations} must leave the folder to the application.
 */
class AppMigrationsTests {

    static final List<String> MIGRATED = new CopyOnWriteArrayList<>();

    private static Map<String, String> libraryFinds(String location) {
        return Map.of("lakebase.migrations", location);
    }

    @Test
    void flywayPlaceholdersOfTheApplicationAreApplied() {
        assertAllSucceeded(
                SpringFixtures.run(libraryFinds("classpath:db/placeholders"), PlaceholdersTestCase.class), 1);
    }

    @Test
    void flywaysHistoryTableOfTheApplicationIsUsed() {
        assertAllSucceeded(SpringFixtures.run(libraryFinds("classpath:db/history"), HistoryTableTestCase.class), 1);
    }

    @Test
    void flywaysSchemasOfTheApplicationAreMigrated() {
        assertAllSucceeded(SpringFixtures.run(libraryFinds("classpath:db/schemas"), SchemasTestCase.class), 1);
    }

    @Test
    void flywaysTargetOfTheApplicationIsWhereMigrationStops() {
        assertAllSucceeded(SpringFixtures.run(libraryFinds("classpath:db/up-to-target"), TargetTestCase.class), 1);
    }

    @Test
    void javaMigrationsThatAreBeansRunInOrderWithTheSqlOnes() {
        assertAllSucceeded(SpringFixtures.run(libraryFinds("classpath:db/java"), JavaMigrationsTestCase.class), 1);
    }

    @Test
    void flywayCallbacksThatAreBeansSeeEveryMigration() {
        MIGRATED.clear();
        assertAllSucceeded(SpringFixtures.run(libraryFinds("classpath:db/callbacks"), CallbacksTestCase.class), 1);

        assertThat(MIGRATED).containsExactly("1");
    }

    @Test
    void liquibaseWithTheApplicationsSettingsBuildsTheBaseAlone() {
        assertAllSucceeded(SpringFixtures.run(LiquibaseTestCase.class), 2);
    }

    /** What every fixture checks: the library put nothing of its own on the branch. */
    static void noMigrationsOfTheLibrary(JdbcTemplate jdbc) {
        assertThat(jdbc.queryForObject("SELECT to_regclass('public.flyway_schema_history') IS NULL", Boolean.class))
                .as("a history table the library's own Flyway left")
                .isTrue();
        assertThat(jdbc.queryForObject("SELECT to_regclass('public.inventory') IS NULL", Boolean.class))
                .as("the library's default migrations (classpath:db/migration)")
                .isTrue();
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/placeholders",
                "spring.flyway.placeholders.tenant=acme",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class PlaceholdersTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theColumnDefaultIsThePlaceholdersValue() {
            jdbc.update("INSERT INTO account (name) VALUES ('second')");
            assertThat(jdbc.queryForList("SELECT DISTINCT tenant FROM account", String.class))
                    .containsExactly("acme");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/history",
                "spring.flyway.table=schema_version",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class HistoryTableTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theHistoryIsInTheApplicationsTable() {
            assertThat(jdbc.queryForList("SELECT version FROM schema_version WHERE success", String.class))
                    .containsExactly("1");
            noMigrationsOfTheLibrary(jdbc);
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/schemas",
                "spring.flyway.schemas=billing",
                "spring.flyway.default-schema=billing",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class SchemasTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theTablesAreInTheApplicationsSchema() {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM billing.account", Long.class))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT to_regclass('public.account') IS NULL", Boolean.class))
                    .as("an account table in public, where the library's own Flyway puts it")
                    .isTrue();
            noMigrationsOfTheLibrary(jdbc);
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/up-to-target",
                "spring.flyway.target=1",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class TargetTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void migrationsBeyondTheTargetAreNotApplied() {
            assertThat(jdbc.queryForObject(
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'account' "
                                    + "AND column_name = 'email'",
                            Long.class))
                    .as("the column of V2, beyond spring.flyway.target")
                    .isZero();
        }
    }

    /** Java migrations as Spring beans, as an application declares them. */
    @Configuration(proxyBeanMethods = false)
    static class JavaMigrations {

        @Bean
        JavaMigration createEvent() {
            return new V1__create_event();
        }

        @Bean
        JavaMigration seedEvent() {
            return new V2__seed_event();
        }
    }

    static class V1__create_event extends BaseJavaMigration {
        @Override
        public void migrate(org.flywaydb.core.api.migration.Context context) throws Exception {
            try (Statement s = context.getConnection().createStatement()) {
                s.execute("CREATE TABLE event (id bigserial PRIMARY KEY, kind text NOT NULL)");
            }
        }
    }

    static class V2__seed_event extends BaseJavaMigration {
        @Override
        public void migrate(org.flywaydb.core.api.migration.Context context) throws Exception {
            try (Statement s = context.getConnection().createStatement()) {
                s.execute("INSERT INTO event (kind) VALUES ('created')");
            }
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, JavaMigrations.class},
            properties = {"spring.flyway.locations=classpath:db/java", "spring.sql.init.mode=never"})
    @LakebaseBranch
    static class JavaMigrationsTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void allThreeRan() {
            assertThat(jdbc.queryForList("SELECT kind FROM event ORDER BY id", String.class))
                    .containsExactly("created", "indexed");
            assertThat(jdbc.queryForList(
                            "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank",
                            String.class))
                    .containsExactly("1", "2", "3");
        }
    }

    /** A Flyway callback as a Spring bean: told of each migration Boot's Flyway applies. */
    @Configuration(proxyBeanMethods = false)
    static class Callbacks {

        @Bean
        Callback recorder() {
            return new Callback() {
                @Override
                public boolean supports(Event event, Context context) {
                    return event == Event.AFTER_EACH_MIGRATE;
                }

                @Override
                public boolean canHandleInTransaction(Event event, Context context) {
                    return true;
                }

                @Override
                public void handle(Event event, Context context) {
                    MIGRATED.add(context.getMigrationInfo().getVersion().getVersion());
                }

                @Override
                public String getCallbackName() {
                    return "recorder";
                }
            };
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, Callbacks.class},
            properties = {"spring.flyway.locations=classpath:db/callbacks", "spring.sql.init.mode=never"})
    @LakebaseBranch
    static class CallbacksTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theSchemaIsThere() {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM account", Long.class))
                    .isEqualTo(1);
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.liquibase.enabled=true",
                "spring.liquibase.change-log=classpath:db/liquibase/changelog.sql",
                "spring.liquibase.parameters.tenant=acme",
                "spring.liquibase.contexts=test",
                "spring.liquibase.database-change-log-table=app_changelog",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class LiquibaseTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theChangelogRanWithTheApplicationsParametersAndContexts() {
            assertThat(jdbc.queryForList("SELECT name || '@' || tenant FROM account ORDER BY id", String.class))
                    .containsExactly("test-fixture@acme");
            assertThat(jdbc.queryForList("SELECT id FROM app_changelog ORDER BY orderexecuted", String.class))
                    .containsExactly("1", "2");
        }

        @Test
        void theLibraryAppliedNothingOfItsOwn() {
            noMigrationsOfTheLibrary(jdbc);
        }
    }
}
