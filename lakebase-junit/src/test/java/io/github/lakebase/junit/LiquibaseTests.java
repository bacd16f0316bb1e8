package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Liquibase changelogs as migrations: applied once into a base through Liquibase's own update, with includes,
 * includeAll and sqlFile, contexts, labels and changelog parameters; a failing changeset named; the conventional
 * master changelog found when a test names none.
 * The tests share fixtures and what they saw, so they run one after another.
 */
@Execution(ExecutionMode.SAME_THREAD)
class LiquibaseTests {

    static final String SHOP = "liquibase:changelogs/shop/db.changelog-master.xml";

    @TempDir
    Path dir;

    @Test
    void theChangelogTreeIsAppliedOnceIntoTheBaseEveryBranchIsForkedFrom() {
        ShopTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class), 2);

        assertThat(ShopTestCase.SEEN)
                .as("changesets and customers each branch sees")
                .containsExactly("3 changesets, 2 customers of nobody", "3 changesets, 2 customers of nobody");
    }

    @Test
    void aChangelogFileIsNamedWithoutThePrefixToo() {
        ShopByFileNameTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopByFileNameTestCase.class), 1);

        assertThat(ShopByFileNameTestCase.SEEN).containsExactly("3 changesets, 2 customers of nobody");
    }

    @Test
    void contextsAndLabelsPassThrough() {
        ShopTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class, Map.of("lakebase.liquibase.contexts", "prod")), 2);
        assertThat(ShopTestCase.SEEN).allMatch(s -> s.equals("2 changesets, 0 customers of nobody"));

        ShopTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class, Map.of("lakebase.liquibase.contexts", "test")), 2);
        assertThat(ShopTestCase.SEEN).allMatch(s -> s.equals("3 changesets, 2 customers of nobody"));

        ShopTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class, Map.of("liquibase.command.contexts", "prod")), 2);
        assertThat(ShopTestCase.SEEN)
                .as("Liquibase's own name for the contexts")
                .allMatch(s -> s.equals("2 changesets, 0 customers of nobody"));

        ShopTestCase.SEEN.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class, Map.of("lakebase.liquibase.labels", "!demo")), 2);
        assertThat(ShopTestCase.SEEN).allMatch(s -> s.equals("2 changesets, 0 customers of nobody"));
    }

    @Test
    void changelogParametersPassThrough() throws Exception {
        Files.writeString(dir.resolve("junit-platform.properties"), "lakebase.liquibase.parameter.tenant=acme\n");
        ShopTestCase.SEEN.clear();

        // JUnit lets the library ask for a parameter by its name only: it learns the names from the launcher, the
        // system properties and junit-platform.properties (here on the context class loader); EngineTestKit, unlike
        // a build, gives the values of the parameters it is handed only.
        ResourceClassLoader.with(
                dir,
                List.of(),
                () -> Fixtures.assertAllSucceeded(
                        Fixtures.run(ShopTestCase.class, Map.of("lakebase.liquibase.parameter.tenant", "acme")), 2));

        assertThat(ShopTestCase.SEEN).allMatch(s -> s.equals("3 changesets, 2 customers of acme"));
    }

    @Test
    void aFailingChangesetIsNamedWithItsFileIdAuthorAndTheSqlError() {
        EngineExecutionResults results = Fixtures.run(FailingTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        assertThat(Fixtures.failureMessages(results))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m)
                        .contains("changelogs/failing/changelog.xml::2::bob")
                        .contains("missing_invoices")
                        .contains("does not exist"));
    }

    /**
     * A changelog parameter without a value stays in the SQL as Liquibase leaves it ({@code ${tenant}}); when that
     * fails the changeset, the failure names the library's key that gives it a value.
     */
    @Test
    void aChangelogParameterWithoutAValueFailsTheChangesetNamingTheKeyThatGivesIt() {
        List<String> messages = Fixtures.failureMessages(Fixtures.run(ParameterTestCase.class));

        assertThat(messages)
                .singleElement()
                .asString()
                .contains("changelogs/parameter/changelog.xml::1::alice")
                .contains("${tenant}")
                .contains("lakebase.liquibase.parameter.tenant=")
                .contains("junit-platform.properties");
    }

    @Test
    void aMissingChangelogIsAConfigurationError() {
        assertThat(configurationError(Fixtures.run(MissingTestCase.class)))
                .contains("liquibase:changelogs/nowhere.xml")
                .contains("does not exist");
    }

    @Test
    void flywayLocationsBesideChangelogsAreAConfigurationError() {
        assertThat(configurationError(Fixtures.run(MixedTestCase.class)))
                .contains("mix Flyway locations and Liquibase changelogs");
    }

    @Test
    void withoutMigrationsNamedTheConventionalMasterChangelogIsApplied() throws Exception {
        masterChangelog();
        DefaultTestCase.SEEN.clear();

        ResourceClassLoader.with(
                dir,
                List.of("db/migration"),
                () -> Fixtures.assertAllSucceeded(Fixtures.run(DefaultTestCase.class), 1));

        assertThat(DefaultTestCase.SEEN).containsExactly("master");
    }

    @Test
    void whenTheProjectHasFlywayAndLiquibaseMigrationsATestThatNamesNoneMustChoose() throws Exception {
        masterChangelog();

        String message =
                ResourceClassLoader.with(dir, List.of(), () -> configurationError(Fixtures.run(DefaultTestCase.class)));

        assertThat(message)
                .contains("db/migration")
                .contains("db/changelog/db.changelog-master.yaml")
                .contains("lakebase.migrations=liquibase:db/changelog/db.changelog-master.yaml")
                .contains("lakebase.migrations=classpath:db/migration");

        DefaultTestCase.SEEN.clear();
        ResourceClassLoader.with(
                dir,
                List.of(),
                () -> Fixtures.assertAllSucceeded(
                        Fixtures.run(
                                DefaultTestCase.class,
                                Map.of("lakebase.migrations", "liquibase:db/changelog/db.changelog-master.yaml")),
                        1));
        assertThat(DefaultTestCase.SEEN).containsExactly("master");
    }

    @Test
    void aChangelogOnTheFileSystemIsNamedWithFilesystem() throws Exception {
        masterChangelog();
        DefaultTestCase.SEEN.clear();

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        DefaultTestCase.class,
                        Map.of(
                                "lakebase.migrations",
                                "liquibase:filesystem:" + dir.resolve("db/changelog/db.changelog-master.yaml"))),
                1);

        assertThat(DefaultTestCase.SEEN).containsExactly("master");
    }

    private void masterChangelog() throws Exception {
        Path changelog = dir.resolve("db/changelog/db.changelog-master.yaml");
        Files.createDirectories(changelog.getParent());
        Files.writeString(changelog, """
                databaseChangeLog:
                  - changeSet:
                      id: 1
                      author: dana
                      changes:
                        - sql:
                            sql: CREATE TABLE convention (found text); INSERT INTO convention VALUES ('master')
                """);
    }

    private static String configurationError(EngineExecutionResults results) {
        Throwable failure = results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable()
                        .orElseThrow())
                .findFirst()
                .orElseThrow();
        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class);
        return failure.getMessage();
    }

    static String describe(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM databasechangelog), count(*), "
                        + "(SELECT column_default FROM information_schema.columns WHERE table_name = 'customer' "
                        + "AND column_name = 'tenant') FROM customer")) {
            rs.next();
            String tenant = rs.getString(3).replaceAll("^'|'::text$", "");
            assertThat(count(c, "SELECT count(*) FROM purchase")).isZero();
            return rs.getLong(1) + " changesets, " + rs.getLong(2) + " customers of " + tenant;
        }
    }

    @LakebaseBranch(migrations = SHOP)
    static class ShopTestCase {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void first(DataSource dataSource) throws SQLException {
            SEEN.add(describe(dataSource));
            Fixtures.execute(dataSource, "DELETE FROM customer");
        }

        @Test
        void second(DataSource dataSource) throws SQLException {
            SEEN.add(describe(dataSource));
            Fixtures.execute(dataSource, "DELETE FROM customer");
        }
    }

    @LakebaseBranch(migrations = "classpath:changelogs/shop/db.changelog-master.xml")
    static class ShopByFileNameTestCase {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void test(DataSource dataSource) throws SQLException {
            SEEN.add(describe(dataSource));
        }
    }

    @LakebaseBranch(migrations = "liquibase:changelogs/failing/changelog.xml")
    static class FailingTestCase {
        @Test
        void first(DataSource dataSource) {}

        @Test
        void second(DataSource dataSource) {}
    }

    @LakebaseBranch(migrations = "liquibase:changelogs/parameter/changelog.xml")
    static class ParameterTestCase {
        @Test
        void neverRuns() {
            throw new AssertionError("the changeset fails before the test runs");
        }
    }

    @LakebaseBranch(migrations = "liquibase:changelogs/nowhere.xml")
    static class MissingTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch(migrations = {"classpath:migrations/orders", SHOP})
    static class MixedTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch
    static class DefaultTestCase {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void test(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT found FROM convention")) {
                rs.next();
                SEEN.add(rs.getString(1));
            }
        }
    }
}
