package io.github.lakebase.junit.cli;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The command line run in this JVM, on the embedded server the tests use: what tests kept, developer
 * branches, and the sweep of expired kept branches.
 */
@Isolated("runs the command line's sweep on the server other tests use")
class BranchesTests {

    @Test
    void aKeptBranchIsListedWithItsTestAndExpiryAndReachedWithThePrintedSettings() throws SQLException {
        KeepingTestCase.SEEN.clear();
        Instant before = Instant.now();
        Fixtures.run(KeepingTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).failed(1));
        Branch failed = KeepingTestCase.SEEN.get("fails");
        Branch never = KeepingTestCase.SEEN.get("never");
        try {
            Result list = run("list");
            assertThat(list.status).as(list.err).isZero();
            String failedLine = line(list.out, failed.name());
            assertThat(failedLine)
                    .contains("failed", KeepingTestCase.class.getName(), "fails")
                    .containsAnyOf(Fixtures.datesAfter(before, Duration.ofDays(7)));
            assertThat(line(list.out, never.name())).contains("never").endsWith("never");
            assertThat(list.out).as("list prints no password").doesNotContain(failed.password());

            Result connect = run("connect", failed.name(), "--no-wait");
            assertThat(connect.status).as(connect.err).isZero();
            assertThat(connect.out).contains("psql", "-d " + failed.name());
            try (Connection c = DriverManager.getConnection(
                    value(connect.out, "JDBC URL:"), value(connect.out, "User:"), value(connect.out, "Password:"))) {
                assertThat(count(c, "SELECT count(*) FROM inventory"))
                        .as("the failed test's data")
                        .isEqualTo(1);
            }
        } finally {
            run("drop", failed.name());
            run("drop", never.name());
        }
        assertThat(reachable(failed)).isFalse();
        assertThat(reachable(never)).isFalse();
    }

    @Test
    void aDeveloperBranchIsCreatedUsedRefreshedAndDropped() throws SQLException {
        String name = "dev_" + Long.toString(System.nanoTime(), 36);
        Result created = run("create", name, "--no-wait");
        assertThat(created.status).as(created.err).isZero();
        String url = value(created.out, "spring.datasource.url=");
        String user = value(created.out, "spring.datasource.username=");
        String password = value(created.out, "spring.datasource.password=");
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            assertThat(count(c, "SELECT count(*) FROM inventory"))
                    .as("migrated like a test's base")
                    .isEqualTo(3);
            s.execute("DELETE FROM inventory");
        }
        assertThat(line(run("list").out, "lbj_" + name)).contains("developer").endsWith("never");

        Result refreshed = run("refresh", name, "--no-wait");
        assertThat(refreshed.status).as(refreshed.err).isZero();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            assertThat(count(c, "SELECT count(*) FROM inventory"))
                    .as("forked again from the parent and migrated")
                    .isEqualTo(3);
        }
        assertThat(run("drop", "--kept").out)
                .as("drop --kept leaves developer branches")
                .doesNotContain(name);

        Result dropped = run("drop", name);
        assertThat(dropped.status).as(dropped.err).isZero();
        assertThat(reachable(url, user, password)).isFalse();
        assertThat(run("list").out).doesNotContain(name);
    }

    @Test
    void theSweepDropsAKeptBranchWhoseExpiryHasPassedAndNeverOneKeptByNever() throws SQLException {
        KeepingTestCase.SEEN.clear();
        Fixtures.run(KeepingTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).failed(1));
        Branch failed = KeepingTestCase.SEEN.get("fails");
        Branch never = KeepingTestCase.SEEN.get("never");
        try {
            // As an earlier run, now dead, left them: one kept for a failed test a week ago, one kept by NEVER.
            String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
            recomment(
                    failed,
                    comment(failed)
                            .replaceAll("run=[a-z0-9]+", "run=zdead00")
                            .replaceAll("until=\\S+", "until=" + past));
            recomment(never, comment(never).replaceAll("run=[a-z0-9]+", "run=zdead00"));

            Result sweep = run("sweep");
            assertThat(sweep.status).as(sweep.err).isZero();
            assertThat(sweep.out).contains(failed.name()).doesNotContain(never.name());
            assertThat(reachable(failed)).as("expired: dropped").isFalse();
            assertThat(reachable(never)).as("kept by NEVER: never swept").isTrue();
        } finally {
            run("drop", failed.name());
            run("drop", never.name());
        }
    }

    @Test
    void dropTakesWhatTestsKeptByAgeOrAllButLeavesDeveloperBranches() throws SQLException {
        KeepingTestCase.SEEN.clear();
        Fixtures.run(KeepingTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).failed(1));
        Branch failed = KeepingTestCase.SEEN.get("fails");
        Branch never = KeepingTestCase.SEEN.get("never");
        String developer = "dev_" + Long.toString(System.nanoTime(), 36);
        assertThat(run("create", developer, "--no-wait").status).isZero();
        try {
            assertThat(run("drop", "--older-than", "1h").out).isEqualTo("No kept branch to drop.\n");
            assertThat(reachable(failed)).as("kept a moment ago").isTrue();

            Result dropped = run("drop", "--kept", "--older-than", "0s");
            assertThat(dropped.out).contains(failed.name(), never.name()).doesNotContain(developer);
            assertThat(reachable(failed)).isFalse();
            assertThat(reachable(never)).isFalse();
            assertThat(line(run("list").out, "lbj_" + developer)).contains("developer");
        } finally {
            run("drop", developer);
            run("drop", failed.name());
            run("drop", never.name());
        }
    }

    @Test
    void aDeveloperBranchIsRefreshedWithTheMigrationsItWasCreatedWith() throws SQLException {
        String name = "dev_" + Long.toString(System.nanoTime(), 36);
        int status =
                Branches.run(List.of("create", name, "--no-wait"), Map.of("lakebase.migrations", "none"), out(), out());
        assertThat(status).isZero();
        assertThat(line(run("list").out, "lbj_" + name)).contains("developer");
        try {
            Result refreshed = run("refresh", name, "--no-wait");
            assertThat(refreshed.status).as(refreshed.err).isZero();
            String url = value(refreshed.out, "spring.datasource.url=");
            try (Connection c = DriverManager.getConnection(
                            url,
                            value(refreshed.out, "spring.datasource.username="),
                            value(refreshed.out, "spring.datasource.password="));
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT to_regclass('inventory') IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1))
                        .as("refreshed unmigrated, as created with lakebase.migrations=none")
                        .isTrue();
            }
        } finally {
            run("drop", name);
        }
    }

    private static PrintStream out() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void aWrongCommandLineSaysHowToUseIt() {
        Result result = run("frobnicate");
        assertThat(result.status).isEqualTo(2);
        assertThat(result.err).contains("Unknown command 'frobnicate'", "Usage:", "connect NAME");
        assertThat(run("drop").err).contains("'drop' needs a branch's name, --kept or --older-than.");
        assertThat(run("connect", "no_such_branch", "--no-wait").err)
                .contains("No branch of lakebase-junit is named 'lbj_no_such_branch'");
    }

    private static String comment(Branch branch) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(Fixtures.adminUrl(branch), branch.username(), branch.password());
                Statement s = c.createStatement();
                var rs =
                        s.executeQuery("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '"
                                + branch.name() + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void recomment(Branch branch, String comment) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(Fixtures.adminUrl(branch), branch.username(), branch.password());
                Statement s = c.createStatement()) {
            s.execute("COMMENT ON DATABASE \"" + branch.name() + "\" IS '" + comment.replace("'", "''") + "'");
        }
    }

    private static String line(String out, String name) {
        return Arrays.stream(out.split("\n"))
                .filter(l -> l.startsWith(name + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not listed:\n" + out));
    }

    private static String value(String out, String label) {
        return Arrays.stream(out.split("\n"))
                .filter(l -> l.startsWith(label))
                .map(l -> l.substring(label.length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError(label + " is not printed:\n" + out));
    }

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Branches.run(
                List.of(args),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS)
    static class KeepingTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void fails(Branch branch) throws SQLException {
            SEEN.put("fails", branch);
            Fixtures.execute(branch.dataSource(), "DELETE FROM inventory WHERE id > 1");
            fail("on purpose");
        }

        @Test
        @LakebaseBranch(cleanup = CleanupMode.NEVER)
        void never(Branch branch) {
            SEEN.put("never", branch);
        }
    }
}
