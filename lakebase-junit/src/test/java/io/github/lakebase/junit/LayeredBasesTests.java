package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A base whose migrations extend another base's ({@code {"classpath:db/migration", "classpath:db/next"}} after
 * {@code {"classpath:db/migration"}}) is forked from that base and migrated forward: the first one's migrations
 * run once, so a role they create is created once. Where migrating forward would not give what a build from the
 * parent gives (a version between the first base's, a repeatable migration or a callback that would run again),
 * the base is built from the parent.
 */
class LayeredBasesTests {

    @Test
    void theReadmesLayeredMigrationsBuildTheSecondBaseFromTheFirst() throws Exception {
        Fixtures.assertAllSucceeded(Fixtures.run(SchemaTestCase.class), 1);
        Fixtures.assertAllSucceeded(Fixtures.run(NextSchemaTestCase.class), 1);

        assertThat(NextSchemaTestCase.seen.token())
                .as("the first base's build, not one of its own")
                .isEqualTo(SchemaTestCase.seen.token());
        assertThat(NextSchemaTestCase.seen.history()).containsExactly("1", "2");
    }

    @Test
    void theOrderInWhichTheClassesRunDoesNotMatter() throws Exception {
        Fixtures.assertAllSucceeded(
                EngineTestKit.engine("junit-jupiter")
                        .configurationParameters(Map.of(
                                "junit.jupiter.execution.parallel.enabled", "true",
                                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent"))
                        .selectors(
                                DiscoverySelectors.selectClass(NextLedgerTestCase.class),
                                DiscoverySelectors.selectClass(LedgerTestCase.class))
                        .execute(),
                2);

        assertThat(NextLedgerTestCase.seen.token()).isEqualTo(LedgerTestCase.seen.token());
    }

    @Test
    void aVersionBetweenTheFirstBasesIsBuiltFromTheParent() throws Exception {
        Fixtures.assertAllSucceeded(Fixtures.run(InterleavedTestCase.class), 1);
        Fixtures.assertAllSucceeded(Fixtures.run(InterleavedNextTestCase.class), 1);

        assertThat(InterleavedNextTestCase.seen.token()).isNotEqualTo(InterleavedTestCase.seen.token());
        assertThat(InterleavedNextTestCase.seen.history()).containsExactly("1", "2", "3");
    }

    @Test
    void aRepeatableMigrationOfTheFirstBaseRunsLastInTheSecond() throws Exception {
        Fixtures.assertAllSucceeded(Fixtures.run(RepeatableTestCase.class), 1);
        Fixtures.assertAllSucceeded(Fixtures.run(RepeatableNextTestCase.class), 1);

        assertThat(RepeatableNextTestCase.seen.history()).containsExactly("1", "2", "repeatable");
    }

    @Test
    void aCallbackOfTheFirstBaseRunsOnceInTheSecond() throws Exception {
        Fixtures.assertAllSucceeded(Fixtures.run(CallbackTestCase.class), 1);
        Fixtures.assertAllSucceeded(Fixtures.run(CallbackNextTestCase.class), 1);

        assertThat(CallbackNextTestCase.runs).isEqualTo(1);
    }

    /** What a branch shows of the build of its base. */
    record Seen(String token, List<String> history) {

        static Seen of(DataSource dataSource) throws SQLException {
            List<String> history = new ArrayList<>();
            String token;
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT token::text FROM build")) {
                    rs.next();
                    token = rs.getString(1);
                }
                try (ResultSet rs = s.executeQuery("SELECT coalesce(version, 'repeatable') FROM flyway_schema_history "
                        + "WHERE success AND type <> 'SCHEMA' ORDER BY installed_rank")) {
                    while (rs.next()) {
                        history.add(rs.getString(1));
                    }
                }
            }
            return new Seen(token, history);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/layered/base")
    static class SchemaTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = {"classpath:migrations/layered/base", "classpath:migrations/layered/next"})
    static class NextSchemaTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/layered2/base")
    static class LedgerTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = {"classpath:migrations/layered2/base", "classpath:migrations/layered2/next"})
    static class NextLedgerTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/interleaved/a")
    static class InterleavedTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = {"classpath:migrations/interleaved/a", "classpath:migrations/interleaved/b"})
    static class InterleavedNextTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/repeatable/a")
    static class RepeatableTestCase {
        @Test
        void test(DataSource dataSource) throws SQLException {
            assertThat(Seen.of(dataSource).history()).containsExactly("1", "repeatable");
        }
    }

    @LakebaseBranch(migrations = {"classpath:migrations/repeatable/a", "classpath:migrations/repeatable/b"})
    static class RepeatableNextTestCase {
        static volatile Seen seen;

        @Test
        void test(DataSource dataSource) throws SQLException {
            seen = Seen.of(dataSource);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/callbacked/a")
    static class CallbackTestCase {
        @Test
        void test(DataSource dataSource) throws SQLException {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM migration_run"))
                    .isEqualTo(1);
        }
    }

    @LakebaseBranch(migrations = {"classpath:migrations/callbacked/a", "classpath:migrations/callbacked/b"})
    static class CallbackNextTestCase {
        static volatile long runs;

        @Test
        void test(DataSource dataSource) throws SQLException {
            runs = Fixtures.count(dataSource, "SELECT count(*) FROM migration_run");
        }
    }
}
