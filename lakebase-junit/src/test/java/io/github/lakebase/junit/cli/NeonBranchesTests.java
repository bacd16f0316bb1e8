package io.github.lakebase.junit.cli;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.cli.CloudCommands.line;
import static io.github.lakebase.junit.cli.CloudCommands.run;
import static io.github.lakebase.junit.cli.CloudCommands.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The command line on a Neon project (the fake of Neon's API v2), as a teammate with access to the project
 * would run it after the test run: it lists the branch a failed test kept, connects to it, and drops it;
 * a branch of a live run stays; {@code drop --older-than 0s} drops what tests kept.
 */
class NeonBranchesTests {

    private static final FakeNeon FAKE = FakeNeon.start();

    private static NeonFakeProject project(String id) {
        return FAKE.createProject(id, "main", "CREATE TABLE customer (id int PRIMARY KEY)");
    }

    @Test
    void aKeptBranchIsListedReachedAndDroppedAndALiveRunsBranchIsNot() throws SQLException {
        NeonFakeProject project = project("shared-branch");
        Instant before = Instant.now();
        Fixtures.run(KeepingTestCase.class, FAKE.configuration("shared-branch"))
                .testEvents()
                .assertStatistics(s -> s.started(1).failed(1));
        String kept = keptBy(project);
        NeonFakeBranch live = project.addBranch("lbj_zzlive1_7_running", "main")
                .updated(Instant.now(), Instant.now().plus(Duration.ofHours(1)));
        NeonFakeBranch dead = project.addBranch("lbj_zzdead1_3_left", "main")
                .updated(Instant.now().minus(Duration.ofHours(2)), Instant.now().plus(Duration.ofHours(1)));
        project.addBranch("lbj_zzdead1_base_2", "main"); // a base: not a test's branch, never listed

        CloudCommands.Result list = run(FAKE.configuration("shared-branch"), "list");
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(line(list.out(), kept))
                .contains("yes")
                .containsAnyOf(Fixtures.datesAfter(before, Duration.ofDays(7)))
                .containsPattern(" \\d+ MB ");
        assertThat(line(list.out(), live.name())).contains("no (branch of run zzlive1)");
        assertThat(list.out()).doesNotContain("lbj_zzdead1_base_2", "main");

        CloudCommands.Result connect = assertTimeoutPreemptively(
                Duration.ofMinutes(1),
                () -> run(FAKE.configuration("shared-branch"), "connect", kept),
                "connect returns at once: there is no server of ours to keep up");
        assertThat(connect.status()).as(connect.err()).isZero();
        try (Connection c = DriverManager.getConnection(
                value(connect.out(), "JDBC URL:"), value(connect.out(), "User:"), value(connect.out(), "Password:"))) {
            assertThat(count(c, "SELECT count(*) FROM customer WHERE id = 42"))
                    .as("the failed test's data")
                    .isOne();
        }

        CloudCommands.Result refused = run(FAKE.configuration("shared-branch"), "drop", live.name());
        assertThat(refused.status()).isNotZero();
        assertThat(refused.err()).contains("Refusing to drop '" + live.name() + "'", "run zzlive1 is still alive");
        assertThat(run(FAKE.configuration("shared-branch"), "connect", live.name(), "--no-wait")
                        .err())
                .contains("is not kept");

        assertThat(run(FAKE.configuration("shared-branch"), "drop", dead.name()).status())
                .as("a dead run's")
                .isZero();
        assertThat(run(FAKE.configuration("shared-branch"), "drop", kept).status())
                .isZero();
        assertThat(project.branches())
                .extracting(NeonFakeBranch::name)
                .contains(live.name())
                .doesNotContain(kept, dead.name());
    }

    @Test
    void dropOlderThanZeroDropsTheBranchesTestsKept() {
        NeonFakeProject project = project("cleanup");
        Fixtures.run(KeepingTestCase.class, FAKE.configuration("cleanup"))
                .testEvents()
                .assertStatistics(s -> s.started(1).failed(1));
        String kept = keptBy(project);
        NeonFakeBranch live = project.addBranch("lbj_zzlive2_4_running", "main")
                .updated(Instant.now(), Instant.now().plus(Duration.ofHours(1)));

        assertThat(run(FAKE.configuration("cleanup"), "drop", "--older-than", "1h")
                        .out())
                .isEqualTo("No kept branch to drop.\n");
        CloudCommands.Result dropped = run(FAKE.configuration("cleanup"), "drop", "--older-than", "0s");

        assertThat(dropped.status()).as(dropped.err()).isZero();
        assertThat(dropped.out()).isEqualTo("Dropped " + kept + ".\n");
        assertThat(project.branches())
                .extracting(NeonFakeBranch::name)
                .contains(live.name())
                .doesNotContain(kept);
    }

    @Test
    void noDeveloperBranchIsMadeWhereNeonKeepsNoRecordOfIt() {
        NeonFakeProject project = project("developers");

        CloudCommands.Result created = run(FAKE.configuration("developers"), "create", "alice", "--no-wait");

        assertThat(created.status()).isNotZero();
        assertThat(created.err()).contains("makes no developer branches there");
        assertThat(project.branches()).extracting(NeonFakeBranch::name).containsExactly("main");
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS, migrations = LakebaseBranch.NO_MIGRATIONS)
    static class KeepingTestCase {

        @Test
        void fails(Branch branch) throws SQLException {
            Fixtures.execute(branch.dataSource(), "INSERT INTO customer VALUES (42)");
            assertThat(branch.name()).as("a test that fails").isEmpty();
        }
    }

    /** The branch the failing test kept: the fixtures of the two tests may run at once. */
    private static String keptBy(NeonFakeProject project) {
        return project.branches().stream()
                .map(NeonFakeBranch::name)
                .filter(n -> n.endsWith("_fails"))
                .findFirst()
                .orElseThrow();
    }
}
