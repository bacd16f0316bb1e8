package io.github.lakebase.junit.cli;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.cli.CloudCommands.line;
import static io.github.lakebase.junit.cli.CloudCommands.run;
import static io.github.lakebase.junit.cli.CloudCommands.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The command line on a Databricks Lakebase project (the fake of the SDK's {@code postgres} service), as a
 * teammate with access to the project would run it after the test run: it lists the branch a failed test
 * kept with its size, connects to it with a credential of its own identity, and drops it, with the branches
 * of a dead run; a branch of a live run stays.
 */
class LakebaseBranchesTests {

    private static final FakeLakebase FAKE = FakeLakebase.start();

    @Test
    void aKeptBranchIsListedReachedAndDroppedAndALiveRunsBranchIsNot() throws SQLException {
        FakeProject project = FAKE.createProject("shared-branch", "production", "CREATE TABLE customer (id int)");
        Map<String, String> configuration = FAKE.configuration("shared-branch");
        Instant before = Instant.now();
        Fixtures.run(KeepingTestCase.class, configuration)
                .testEvents()
                .assertStatistics(s -> s.started(1).failed(1));
        String kept = project.branches().stream()
                .map(FakeBranch::id)
                .filter(id -> id.endsWith("-fails"))
                .findFirst()
                .orElseThrow();
        Instant now = Instant.now();
        FakeBranch live =
                project.addBranch("lbj-zzlive1-7-running", "production").times(now, now, now.plus(Duration.ofHours(1)));
        Instant lastBeat = now.minus(Duration.ofHours(2));
        FakeBranch dead = project.addBranch("lbj-zzdead1-3-left", "production")
                .times(lastBeat, lastBeat, lastBeat.plus(Duration.ofHours(3)));
        project.addBranch("lbj-zzdead1-4-fork", dead.id())
                .times(lastBeat, lastBeat, lastBeat.plus(Duration.ofHours(3)));

        CloudCommands.Result list = run(configuration, "list");
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(line(list.out(), kept))
                .contains("yes")
                .containsAnyOf(Fixtures.datesAfter(before, Duration.ofDays(7)))
                .containsPattern(" \\d+ MB ");
        assertThat(line(list.out(), live.id())).contains("no (branch of run zzlive1)");
        assertThat(list.out()).doesNotContain("production", "-base-");

        CloudCommands.Result connect = run(configuration, "connect", kept, "--no-wait");
        assertThat(connect.status()).as(connect.err()).isZero();
        try (Connection c = DriverManager.getConnection(
                value(connect.out(), "JDBC URL:"), value(connect.out(), "User:"), value(connect.out(), "Password:"))) {
            assertThat(count(c, "SELECT count(*) FROM customer WHERE id = 42"))
                    .as("the failed test's data")
                    .isOne();
        }

        CloudCommands.Result refused = run(configuration, "drop", live.id());
        assertThat(refused.status()).isNotZero();
        assertThat(refused.err()).contains("Refusing to drop '" + live.id() + "'", "run zzlive1 is still alive");
        assertThat(run(configuration, "connect", live.id(), "--no-wait").err()).contains("is not kept");

        assertThat(run(configuration, "drop", dead.id()).status())
                .as("a dead run's, after the branch forked from it")
                .isZero();
        assertThat(run(configuration, "drop", "--older-than", "0s").out()).isEqualTo("Dropped " + kept + ".\n");
        assertThat(project.branches())
                .filteredOn(b -> b.state() != FakeBranch.State.DELETED)
                .extracting(FakeBranch::id)
                .contains(live.id())
                .doesNotContain(kept, dead.id(), "lbj-zzdead1-4-fork");
    }

    @Test
    void noDeveloperBranchIsMadeWhereLakebaseKeepsNoRecordOfIt() {
        FakeProject project = FAKE.createProject("developers", "production", "");

        CloudCommands.Result created = run(FAKE.configuration("developers"), "create", "alice", "--no-wait");

        assertThat(created.status()).isNotZero();
        assertThat(created.err()).contains("makes no developer branches there");
        assertThat(project.branches()).extracting(FakeBranch::id).containsExactly("production");
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS, migrations = LakebaseBranch.NO_MIGRATIONS)
    static class KeepingTestCase {

        @Test
        void fails(Branch branch) throws SQLException {
            Fixtures.execute(branch.dataSource(), "INSERT INTO customer VALUES (42)");
            assertThat(branch.name()).as("a test that fails").isEmpty();
        }
    }
}
