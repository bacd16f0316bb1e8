package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * More of the application's {@code spring.flyway.*} and {@code spring.liquibase.*} settings, each as an
 * application writes it: the base the context's start-up builds is what the application would build, and
 * every test's branch is a fresh copy of it (a second test never sees what the first one changed).
 *
 * <p>Settings that act on a database that existed before the application migrated it ({@code
 * baseline-on-migrate}, {@code drop-first}, a {@code default-schema} an administrator created) fork the
 * context's base from a parent the run builds: {@code legacy} (an {@code account} table with a row and an
 * {@code old_report} table, no history) or {@code schemas} (the schemas {@code billing} and {@code audit}).
 */
class AppMigrationSettingsTests {

    /** The parents, and the location the library would find for itself (it must leave it to the application). */
    private static Map<String, String> configuration(String libraryFinds) {
        Map<String, String> configuration = new HashMap<>(Map.of(
                "lakebase.parents", "legacy,schemas",
                "lakebase.parent.legacy.scripts", "classpath:parents/legacy.sql",
                "lakebase.parent.schemas.scripts", "classpath:parents/schemas.sql"));
        if (!libraryFinds.isEmpty()) {
            configuration.put("lakebase.migrations", libraryFinds);
        }
        return configuration;
    }

    @Test
    void flywayBaselinesADatabaseThatHasASchemaButNoHistory() {
        assertAllSucceeded(SpringFixtures.run(configuration("classpath:db/baseline"), BaselineTestCase.class), 2);
    }

    @Test
    void flywaysInitSqlsRunOnTheConnectionItMigratesWith() {
        assertAllSucceeded(SpringFixtures.run(configuration("classpath:db/init-sqls"), InitSqlsTestCase.class), 2);
    }

    @Test
    void flywaysSqlMigrationPrefixOfTheApplicationIsUsed() {
        assertAllSucceeded(SpringFixtures.run(configuration("classpath:db/prefixed"), PrefixTestCase.class), 2);
    }

    @Test
    void aFlywayLocationOnTheFileSystemIsMigrated() {
        assertAllSucceeded(
                SpringFixtures.run(configuration("filesystem:src/test/flyway-files"), FileSystemTestCase.class), 2);
    }

    @Test
    void flywayWithFailOnMissingLocationsMigratesLocationsThatExist() {
        assertAllSucceeded(
                SpringFixtures.run(configuration("classpath:db/history"), LocationsThatExistTestCase.class), 2);
    }

    @Test
    void flywayWithFailOnMissingLocationsFailsTheContextOnAMissingOne() {
        var results = SpringFixtures.run(configuration(""), MissingLocationTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(SpringFixtures.failures(results))
                .singleElement()
                .satisfies(failure -> assertThat(failure).contains("db/nowhere"));
    }

    @Test
    void liquibasesLabelFilterOfTheApplicationIsApplied() {
        assertAllSucceeded(SpringFixtures.run(configuration(""), LabelFilterTestCase.class), 2);
    }

    @Test
    void liquibasesDefaultSchemaAndItsOwnSchemaOfTheApplicationAreUsed() {
        assertAllSucceeded(SpringFixtures.run(configuration(""), LiquibaseSchemasTestCase.class), 2);
    }

    @Test
    void liquibasesDropFirstEmptiesTheParentsSchemaBeforeTheChangelog() {
        assertAllSucceeded(SpringFixtures.run(configuration(""), DropFirstTestCase.class), 2);
    }

    /**
     * Two tests on one context: the first sees the base the application built and changes it, the second
     * sees the base again, on a branch of its own.
     */
    @TestMethodOrder(MethodOrderer.MethodName.class)
    abstract static class BaseTwice {

        @Autowired
        JdbcTemplate jdbc;

        /** Asserts that the branch is what the application's start-up built. */
        abstract void isTheBase();

        /** Changes what {@link #isTheBase} looks at. */
        void change() {
            jdbc.update("DELETE FROM account");
        }

        @Test
        void a_seesTheBaseAndChangesIt() {
            isTheBase();
            change();
        }

        @Test
        void b_seesTheBaseAgain() {
            isTheBase();
        }

        List<String> list(String sql) {
            return jdbc.queryForList(sql, String.class);
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/baseline",
                "spring.flyway.baseline-on-migrate=true",
                "spring.flyway.baseline-version=1",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch(from = "legacy")
    static class BaselineTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT version || ' ' || type FROM flyway_schema_history ORDER BY installed_rank"))
                    .as("the baseline at version 1, and V2 applied on it")
                    .containsExactly("1 BASELINE", "2 SQL");
            assertThat(list("SELECT name || ':' || coalesce(email, '-') FROM account"))
                    .as("the legacy row, with the column of V2")
                    .containsExactly("legacy:-");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/init-sqls",
                "spring.flyway.init-sqls=SET app.tenant = 'acme'",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class InitSqlsTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name || '@' || tenant FROM account")).containsExactly("first@acme");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/prefixed",
                "spring.flyway.sql-migration-prefix=M",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class PrefixTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name FROM account")).containsExactly("first");
            assertThat(list("SELECT version FROM flyway_schema_history WHERE success"))
                    .as("M1 only: V2 is no migration with the prefix M")
                    .containsExactly("1");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {"spring.flyway.locations=filesystem:src/test/flyway-files", "spring.sql.init.mode=never"})
    @LakebaseBranch
    static class FileSystemTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name FROM account")).containsExactly("first");
            assertThat(list("SELECT script FROM flyway_schema_history WHERE success"))
                    .containsExactly("V1__account.sql");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/history",
                "spring.flyway.fail-on-missing-locations=true",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class LocationsThatExistTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM account", Long.class))
                    .isEqualTo(1);
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.locations=classpath:db/history,classpath:db/nowhere",
                "spring.flyway.fail-on-missing-locations=true",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class MissingLocationTestCase {

        @Test
        void neverStarts() {}
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.liquibase.enabled=true",
                "spring.liquibase.change-log=classpath:db/liquibase-labels/changelog.sql",
                "spring.liquibase.label-filter=core",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    static class LabelFilterTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name FROM account")).containsExactly("core");
            assertThat(list("SELECT id FROM databasechangelog ORDER BY orderexecuted"))
                    .containsExactly("1", "2");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.liquibase.enabled=true",
                "spring.liquibase.change-log=classpath:db/liquibase-schemas/changelog.xml",
                "spring.liquibase.default-schema=billing",
                "spring.liquibase.liquibase-schema=audit",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch(from = "schemas")
    static class LiquibaseSchemasTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name FROM billing.account")).containsExactly("first");
            assertThat(list("SELECT id FROM audit.databasechangelog")).containsExactly("1");
            assertThat(jdbc.queryForObject(
                            "SELECT to_regclass('public.account') IS NULL "
                                    + "AND to_regclass('public.databasechangelog') IS NULL",
                            Boolean.class))
                    .as("nothing of the changelog in public")
                    .isTrue();
        }

        @Override
        void change() {
            jdbc.update("DELETE FROM billing.account");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.liquibase.enabled=true",
                "spring.liquibase.change-log=classpath:db/liquibase-drop/changelog.sql",
                "spring.liquibase.drop-first=true",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch(from = "legacy")
    static class DropFirstTestCase extends BaseTwice {

        @Override
        void isTheBase() {
            assertThat(list("SELECT name FROM account")).containsExactly("fresh");
            assertThat(jdbc.queryForObject("SELECT to_regclass('public.old_report') IS NULL", Boolean.class))
                    .as("the legacy table, dropped first")
                    .isTrue();
        }
    }
}
