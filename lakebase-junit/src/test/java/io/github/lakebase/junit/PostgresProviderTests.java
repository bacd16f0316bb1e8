package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.fakes.AfterLibraryShutdown;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code lakebase.provider=postgres} on an existing server (here a PostgreSQL the test starts
 * itself): branches of a restored dump, and a sweep that removes only what dead runs of the library
 * left, never a look-alike.
 */
class PostgresProviderTests {

    private static EmbeddedServer server;

    @BeforeAll
    static void startServer() throws Exception {
        // The services of the tests' runs use the server until the JVM exits, when they drop what they built.
        server = AfterLibraryShutdown.close(EmbeddedServer.start(new EmbeddedServer.Options(
                null,
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                Optional.empty(),
                100,
                Map.of())));
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE proddump");
            s.execute("CREATE DATABASE lbj_lookalike");
            s.execute("CREATE DATABASE lbj_deadrun_7_old_test");
            s.execute("COMMENT ON DATABASE lbj_deadrun_7_old_test IS 'lakebase-junit run=deadrun kind=branch'");
            s.execute("CREATE DATABASE lbj_liverun_3_other_build");
            s.execute("COMMENT ON DATABASE lbj_liverun_3_other_build IS 'lakebase-junit run=liverun kind=branch'");
            s.execute("CREATE DATABASE lbj_deadrun_9_kept");
            s.execute("COMMENT ON DATABASE lbj_deadrun_9_kept IS 'lakebase-junit run=deadrun kind=kept'");
            s.execute("CREATE DATABASE users_db_with_marker");
            s.execute("CREATE DATABASE shopdump");
            s.execute("ALTER DATABASE shopdump SET search_path = shop, public");
            s.execute("ALTER ROLE CURRENT_USER IN DATABASE shopdump SET work_mem = '7MB'");
            s.execute("COMMENT ON DATABASE users_db_with_marker IS 'lakebase-junit run=deadrun kind=branch'");
        }
        try (Connection c = server.connect("proddump");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer (id integer PRIMARY KEY, email text)");
            s.execute("INSERT INTO customer SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 1000) g");
        }
    }

    @Test
    void theSettingsOfAnExistingParentHoldInItsBranches() throws Exception {
        try (Connection c = server.connect("shopdump");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.product (id integer PRIMARY KEY)");
        }
        Map<String, String> configuration = new java.util.HashMap<>(configuration());
        // A run of its own, apart from the other tests', with no spares to count among theirs.
        configuration.put("lakebase.branch-prefix", "lbs_");
        configuration.put("lakebase.prefetch", "0");
        Fixtures.assertAllSucceeded(Fixtures.run(ShopDumpTestCase.class, configuration), 2);
    }

    @LakebaseBranch(from = "shopdump", migrations = LakebaseBranch.NO_MIGRATIONS)
    static class ShopDumpTestCase {
        @Test
        void first(DataSource dataSource) throws SQLException {
            check(dataSource);
        }

        @Test
        void second(DataSource dataSource) throws SQLException {
            check(dataSource);
        }

        private static void check(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                assertThat(DatabaseSettingsTests.single(s, "SHOW search_path")).isEqualTo("shop, public");
                assertThat(DatabaseSettingsTests.single(s, "SHOW work_mem")).isEqualTo("7MB");
                assertThat(count(c, "SELECT count(*) FROM product")).isZero();
            }
        }
    }

    private static Map<String, String> configuration() {
        return Map.of(
                "lakebase.provider",
                "postgres",
                "lakebase.postgres.url",
                server.jdbcUrl("postgres"),
                "lakebase.postgres.username",
                server.username(),
                "lakebase.postgres.password",
                server.password());
    }

    @Test
    void forksARestoredDumpAndSweepsOnlyWhatDeadRunsLeft() throws Exception {
        try (Connection otherRun = server.connect("postgres")) {
            holdRunLock(otherRun, "liverun");

            Fixtures.assertAllSucceeded(Fixtures.run(DumpTestCase.class, configuration()), 2);

            assertThat(databases())
                    .contains(
                            "proddump",
                            "lbj_lookalike",
                            "lbj_liverun_3_other_build",
                            "lbj_deadrun_9_kept",
                            "users_db_with_marker")
                    .doesNotContain("lbj_deadrun_7_old_test");
            List<String> ours = databases().stream()
                    .filter(d -> d.startsWith("lbj_")
                            && !d.startsWith("lbj_deadrun")
                            && !d.startsWith("lbj_liverun")
                            && !d.equals("lbj_lookalike"))
                    .toList();
            List<String> spares = databases("kind=spare");
            List<String> restored = ours.stream()
                    .filter(d -> !spares.contains(d) && !d.contains("_base_"))
                    .toList();
            assertThat(spares.size() + restored.size())
                    .as(
                            "branches for tests to come: two forked ahead (lakebase.prefetch), and the two tests' own, "
                                    + "restored in place: %s, %s",
                            spares, restored)
                    .isLessThanOrEqualTo(4);
            assertThat(ours)
                    .filteredOn(d -> d.contains("_base_"))
                    .as("the migrated base of this run stays until the JVM exits")
                    .hasSize(1);
            // Restored with its pool's connections, a branch keeps its name: a spare's, never renamed; or the first
            // test's own, where its fork took long enough for it to read the base before its test
            // (SpareMaker.READ_FIRST_MILLIS), which a busy machine can make it take. No later test's.
            assertThat(restored.stream().filter(branch -> !branch.matches("lbj_[a-z0-9]+_\\d+")))
                    .as("restored under a test's name")
                    .hasSizeLessThanOrEqualTo(1)
                    .allMatch(branch -> branch.matches("lbj_[a-z0-9]+_\\d+_[a-z0-9_]+"));
            for (String branch : restored) {
                try (Connection c = server.connect(branch)) {
                    assertThat(count(c, "SELECT count(*) FROM customer WHERE email LIKE 'user%'"))
                            .as("test branch %s, left after the run: restored for a later test", branch)
                            .isEqualTo(1000);
                }
            }
        }
        try (Connection c = server.connect("proddump")) {
            assertThat(count(c, "SELECT count(*) FROM customer"))
                    .as("the parent is untouched")
                    .isEqualTo(1000);
        }
    }

    @Test
    void aMalformedUrlIsAConfigurationErrorWithoutThePassword() {
        var results = Fixtures.run(
                DumpTestCase.class,
                Map.of(
                        "lakebase.provider",
                        "postgres",
                        "lakebase.postgres.url",
                        "postgresql://localhost/x?password=hunter2"));
        assertThat(results.testEvents().failed().stream()
                        .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .getThrowable()
                                .orElseThrow()
                                .getMessage()))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m)
                        .contains("lakebase.postgres.url")
                        .contains("jdbc:postgresql://")
                        .doesNotContain("hunter2"));
    }

    private static void holdRunLock(Connection c, String run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            ps.setInt(1, 0x4c424a);
            ps.setInt(2, run.hashCode());
            ps.execute();
        }
    }

    private static List<String> databases() throws SQLException {
        return databases("");
    }

    /** The databases whose comment contains {@code comment}. */
    private static List<String> databases(String comment) throws SQLException {
        try (Connection c = server.connect("postgres");
                PreparedStatement s = c.prepareStatement(
                        "SELECT datname FROM "
                                + "pg_database WHERE strpos(coalesce(shobj_description(oid, 'pg_database'), ''), ?) > 0 ORDER BY 1")) {
            s.setString(1, comment);
            var rs = s.executeQuery();
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    @LakebaseBranch(from = "proddump", migrations = "classpath:migrations/orders")
    static class DumpTestCase {
        @Test
        void anonymise(DataSource dataSource) throws SQLException {
            Fixtures.execute(dataSource, "UPDATE customer SET email = 'x'");
            assertThat(count(dataSource, "SELECT count(*) FROM customer WHERE email = 'x'"))
                    .isEqualTo(1000);
        }

        @Test
        void migrationsOnTopOfTheDump(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM orders")).isEqualTo(2);
            assertThat(count(dataSource, "SELECT count(*) FROM customer WHERE email LIKE 'user%'"))
                    .isEqualTo(1000);
        }
    }
}
