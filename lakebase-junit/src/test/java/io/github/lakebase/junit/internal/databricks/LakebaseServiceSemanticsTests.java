package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.internal.databricks.LakebaseFaultTests.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import io.github.lakebase.junit.internal.databricks.fake.Faults.Call;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider against the Lakebase API as the SDK documents it, where a client's natural guess is wrong:
 * {@code replace_existing} updates in place, {@code ttl} counts from creation, a full project answers with
 * one of several error codes, an expiry cap refuses long expiries, a kept branch needs its source, a
 * branch being deleted answers 404, a purged branch's operations answer 404, and the SDK's configuration
 * costs a discovery call.
 */
class LakebaseServiceSemanticsTests {

    private static final String PROJECT = "semantics";

    @Test
    void aResetLongAfterTheBranchWasCreatedStillSucceeds() {
        FakeLakebase fake = fake();
        fake.faults().keepExpiredBranches(); // the subject is the expiry the reset asks for

        assertAllSucceeded(
                Fixtures.run(
                        LateResetTestCase.class,
                        with(fake.configuration(PROJECT), "lakebase.databricks.branch-ttl", "3s")),
                1);
    }

    static class LateResetTestCase {

        @Test
        void resetsAfterItsTtl(@LakebaseBranch Branch branch) throws Exception {
            DataSource dataSource = branch.dataSource();
            Thread.sleep(3500); // older than branch-ttl: an expiry counted from its creation has passed
            execute(dataSource, "DELETE FROM inventory");
            branch.reset();
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @CsvSource({"400, RESOURCE_LIMIT_EXCEEDED", "400, QUOTA_EXCEEDED", "400, RESOURCE_EXHAUSTED"})
    void testsWaitWhenTheProjectIsFullWhateverCodeSaysSo(int status, String code) {
        FakeLakebase fake = FakeLakebase.start();
        fake.faults().branchLimit(4).branchLimitAnswer(status, code);
        FakeProject project = fake.createProject("full", "production", "");
        project.addBranch("someone-elses", "production");
        Map<String, String> configuration = new HashMap<>(fake.configuration("full"));
        configuration.put("junit.jupiter.execution.parallel.enabled", "true");
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        configuration.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
        configuration.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "6");

        assertAllSucceeded(Fixtures.run(SixAtOnceTestCase.class, configuration), 6);

        assertThat(project.mostBranchesAtOnce()).isEqualTo(4);
    }

    @LakebaseBranch
    static class SixAtOnceTestCase {

        @RepeatedTest(6)
        void holdsItsBranchForAMoment(DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            Thread.sleep(200);
        }
    }

    @Test
    void aCreationThatWaitsForRoomLongerThanBranchTtlAsksForAnExpiryFromWhenItIsMade() {
        FakeLakebase fake = FakeLakebase.start();
        fake.faults().branchLimit(3);
        FakeProject project = fake.createProject("full", "production", "");
        project.addBranch("someone-elses", "production");
        project.deleteOnceFullFor("someone-elses", Duration.ofMillis(4500)); // longer than branch-ttl
        fake.faults().keepExpiredBranches(); // the subject is the expiry the late creation asks for

        assertAllSucceeded(
                Fixtures.run(
                        TwoRunsTestCase.class,
                        with(fake.configuration("full"), "lakebase.databricks.branch-ttl", "3s")),
                1);
    }

    @Test
    void aKeptBranchGetsTheLongestExpiryTheWorkspaceAllows() throws Exception {
        FakeLakebase fake = fake();
        fake.faults().maxTtl(Duration.ofDays(3)).keepExpiredBranches(); // the subject is the expiry asked for
        FakeProject project = fake.project(PROJECT);
        Instant start = Instant.now();

        Fixtures.run(FailingTestCase.class, with(fake.configuration(PROJECT), "lakebase.databricks.branch-ttl", "3s"));
        Thread.sleep(4000); // past the branch-ttl of a branch that nobody extends any more

        FakeBranch kept = project.branch(FailingTestCase.name).orElseThrow();
        assertThat(kept.state()).isEqualTo(FakeBranch.State.READY);
        assertThat(kept.expireTime())
                .as("clamped to the workspace's cap of 3 days")
                .isAfter(start.plus(Duration.ofDays(2)))
                .isBefore(Instant.now().plus(Duration.ofDays(3)).plusSeconds(1));
    }

    static class FailingTestCase {
        static volatile String name;

        @Test
        void fails(@LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS) Branch branch) {
            name = branch.name();
            assertThat(branch.name()).as("a test that fails").isEmpty();
        }
    }

    @Test
    void aKeptBranchKeepsItsBaseForAsLongAsItself() {
        FakeLakebase fake = fake();
        FakeProject project = fake.project(PROJECT);
        String base = "lbj-keeprun-base-1";
        String branch = "lbj-keeprun-2-kept";

        try (DatabricksProvider provider = DatabricksProvider.open(context(fake, "keeprun"))) {
            provider.create(new BranchRequest(base, "production", null, Kind.BASE));
            provider.create(new BranchRequest(branch, base, null, Kind.BRANCH));
            provider.keep(branch);
        }

        FakeBranch kept = project.branch(branch).orElseThrow();
        FakeBranch itsBase = project.branch(base).orElseThrow();
        assertThat(itsBase.expireTime()).isAfterOrEqualTo(kept.expireTime());
        assertThat(fake.faults().calls(Call.DELETE))
                .as("no attempt to delete a base a kept branch needs")
                .isZero();
    }

    @Test
    void theHeartbeatLeavesBranchesBeingDeletedAlone() {
        FakeLakebase fake = fake();
        fake.faults().operationDelay(Duration.ofMillis(500)).keepExpiredBranches(); // the subject is the updates
        Map<String, String> configuration = with(fake.configuration(PROJECT), "lakebase.databricks.branch-ttl", "4s");

        assertAllSucceeded(Fixtures.run(TenTestsTestCase.class, configuration), 10);

        assertThat(fake.project(PROJECT).updatesOfDeletedBranches()).isZero();
    }

    /** Ten deletions of half a second each, with a heartbeat every second: some meet. */
    static class TenTestsTestCase {

        @RepeatedTest(10)
        void usesItsBranch(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void aDeletionWhoseOperationVanishesWithThePurgedBranchSucceeds() {
        FakeLakebase fake = fake();
        FakeProject project = fake.project(PROJECT);

        try (DatabricksProvider provider = DatabricksProvider.open(context(fake, "purgerun"))) {
            provider.create(new BranchRequest("lbj-purgerun-1-gone", "production", null, Kind.BRANCH));
            provider.delete("lbj-purgerun-1-gone");
            assertThat(provider.ownBranches()).isEmpty();
        }

        assertThat(project.branch("lbj-purgerun-1-gone")).isEmpty();
    }

    @Test
    void theSdksConfigurationIsResolvedOncePerJvm() {
        FakeLakebase fake = fake();

        assertAllSucceeded(Fixtures.run(TwoRunsTestCase.class, fake.configuration(PROJECT)), 1);
        assertAllSucceeded(Fixtures.run(TwoRunsTestCase.class, fake.configuration(PROJECT)), 1);

        assertThat(fake.faults().calls(Call.CONFIG)).isEqualTo(1);
    }

    static class TwoRunsTestCase {

        @Test
        void test(@LakebaseBranch DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    private static FakeLakebase fake() {
        FakeLakebase fake = FakeLakebase.start();
        fake.createProject(PROJECT, "production", "");
        return fake;
    }

    private static Configuration context(FakeLakebase fake, String runId) {
        Map<String, String> settings = fake.configuration(PROJECT);
        return new Configuration(
                key -> Optional.ofNullable(settings.get(key)),
                Map.of(),
                runId,
                LakebaseServiceSemanticsTests.class.getClassLoader());
    }
}
