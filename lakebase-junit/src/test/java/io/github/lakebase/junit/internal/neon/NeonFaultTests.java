package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import io.github.lakebase.junit.internal.neon.fake.NeonFaults.Call;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * What Neon does wrong, now and then, and what the tests see of it: nothing, except where a wait runs
 * out, and then a message that says what to change. Each test has a fake Neon of its own, since faults
 * apply to a whole fake.
 */
class NeonFaultTests {

    private static final String PROJECT = "faults";

    @Test
    void lockedThrottledAndFailedCallsAreRetried() {
        FakeNeon fake = fake();
        fake.faults()
                .throttle(Call.CREATE, 2)
                .locked(Call.CREATE, 1)
                .unavailable(Call.OPERATION, 2)
                .throttle(Call.CONNECTION_URI, 1)
                .internalErrors(Call.CONNECTION_URI, 1)
                .locked(Call.DELETE, 2)
                .unavailable(Call.LIST, 1)
                .locked(Call.RESTORE, 1)
                .unavailable(Call.RESTORE, 1);

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        assertThat(fake.faults().calls(Call.CREATE))
                .as("3 branches, 3 refused attempts")
                .isEqualTo(6);
        assertThat(fake.faults().calls(Call.RESTORE))
                .as("one reset, 2 refused attempts")
                .isEqualTo(3);
        assertThat(fake.project(PROJECT).mostBranchesAtOnce())
                .as("no branch twice")
                .isLessThanOrEqualTo(4);
    }

    @Test
    void aCreationWhoseAnswerIsLostIsLookedUpAndTakenInsteadOfRepeated() {
        FakeNeon fake = fake();
        fake.faults().loseAnswers(Call.CREATE, 2).internalErrors(Call.CREATE, 1).loseAnswers(Call.DELETE, 1);

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        assertThat(fake.faults().calls(Call.CREATE))
                .as("one call per branch, and one refused with 500 before it did anything")
                .isEqualTo(4);
        // A test's branch is dropped in the background while the next test forks, so two may exist at once.
        assertThat(fake.project(PROJECT).branchesCreated())
                .as("the base and each test's branch, none created twice")
                .isEqualTo(3);
    }

    @Test
    void slowOperationsAreWaitedForAndBranchesAreLockedMeanwhile() {
        FakeNeon fake = fake();
        fake.faults().operationDelay(Duration.ofMillis(300));

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        // Each new branch's (the base's and the two tests') creation is found running at least once, however slow the
        // machine; each such answer must be followed by another poll, until the operation is done.
        int notDone = fake.faults().operationsNotDone();
        assertThat(notDone).as("answers that an operation was still running").isGreaterThanOrEqualTo(3);
        assertThat(fake.faults().operationsLeftRunning())
                .as("operations polled while running and not again until done")
                .isEmpty();
    }

    @Test
    void anOperationSlowerThanTheTimeoutFailsSayingWhatToRaiseAndLeavesNothing() {
        FakeNeon fake = fake();
        // Four times the timeout: a poll that a busy machine delays past the timeout must still find it running.
        fake.faults().operationDelay(Duration.ofSeconds(4));

        EngineExecutionResults results = Fixtures.run(
                TwoTestsTestCase.class, with(fake.configuration(PROJECT), "lakebase.neon.operation-timeout", "1s"));

        results.testEvents().assertStatistics(s -> s.failed(2));
        assertThat(Fixtures.failureMessages(results))
                .allSatisfy(m -> assertThat(m)
                        .contains("did not finish within 1s")
                        .contains("lakebase.neon.operation-timeout")
                        .doesNotContain(fake.apiKey()));
        awaitOnly(fake.project(PROJECT), "main");
    }

    @Test
    void theHeartbeatKeepsBranchesAliveBeyondTheirTtl() {
        FakeNeon fake = fake();
        OutlivesItsTtlTestCase.project = fake.project(PROJECT);

        assertAllSucceeded(
                Fixtures.run(
                        OutlivesItsTtlTestCase.class,
                        with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "10s")),
                1);

        assertThat(fake.faults().calls(Call.UPDATE))
                .as("extensions of the base and the branch")
                .isGreaterThan(4);
    }

    static class OutlivesItsTtlTestCase {
        static volatile NeonFakeProject project;

        @Test
        void livesLongerThanItsTtl(@LakebaseBranch Branch branch, @LakebaseBranch DataSource dataSource)
                throws Exception {
            Instant created = Instant.now();
            // Longer than branch-ttl, which is long enough that the fake's forks (database copies), slow on a
            // loaded machine, leave a new branch most of it before the heartbeat takes over.
            Thread.sleep(11_500);
            NeonFakeBranch fake = project.branchNamed(branch.name()).orElseThrow();
            assertThat(fake.expiresAt()).as("extended").isAfter(created.plusSeconds(10));
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void theHeartbeatLeavesBranchesBeingDeletedAlone() {
        FakeNeon fake = fake();
        fake.faults().operationDelay(Duration.ofMillis(500)).keepExpiredBranches(); // the subject is the updates

        assertAllSucceeded(
                Fixtures.run(
                        TenTestsTestCase.class, with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "4s")),
                10);

        assertThat(fake.project(PROJECT).updatesOfDeletingBranches()).isZero();
    }

    /** Ten deletions of half a second each, with a heartbeat every second: some would meet. */
    static class TenTestsTestCase {

        @RepeatedTest(10)
        void usesItsBranch(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void anExpiryBeyondWhatTheProjectAllowsIsAConfigurationError() {
        FakeNeon fake = fake();
        fake.faults().maxExpiry(Duration.ofMinutes(30));

        EngineExecutionResults results = Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT));

        assertThat(Fixtures.failureMessages(results))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m)
                        .contains("Neon refused branch")
                        .contains("lower lakebase.neon.branch-ttl (now 1h)")
                        .doesNotContain(fake.apiKey()));
    }

    @Test
    void aKeptBranchGetsTheLongestExpiryTheProjectAllows() throws Exception {
        FakeNeon fake = fake();
        fake.faults().maxExpiry(Duration.ofDays(3)).keepExpiredBranches(); // the subject is the expiry asked for
        Instant start = Instant.now();

        Fixtures.run(FailingTestCase.class, with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "4s"));
        Thread.sleep(5000); // past the branch-ttl of a branch that nobody extends any more

        NeonFakeBranch kept =
                fake.project(PROJECT).branchNamed(FailingTestCase.name).orElseThrow();
        assertThat(kept.expiresAt())
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
    void testsWaitWhileTheProjectIsAtItsBranchLimit() {
        FakeNeon fake = fake();
        fake.faults().branchLimit(4);
        fake.project(PROJECT).addBranch("someone-elses", "main");

        assertAllSucceeded(Fixtures.run(SixAtOnceTestCase.class, parallel(fake.configuration(PROJECT))), 6);

        assertThat(fake.project(PROJECT).mostBranchesAtOnce()).isEqualTo(4);
    }

    @Test
    void aCreationThatWaitsForRoomLongerThanBranchTtlAsksForAnExpiryFromWhenItIsMade() {
        FakeNeon fake = fake();
        fake.faults().branchLimit(3);
        fake.project(PROJECT).addBranch("someone-elses", "main");
        fake.project(PROJECT).deleteOnceFullFor("someone-elses", Duration.ofMillis(4500)); // longer than branch-ttl
        fake.faults().keepExpiredBranches(); // the subject is the expiry the late creation asks for

        assertAllSucceeded(
                Fixtures.run(OneTestCase.class, with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "3s")),
                1);
    }

    static class OneTestCase {

        @Test
        void test(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void testsWaitForAFreeBranchBeyondMaxBranches() {
        FakeNeon fake = fake();

        assertAllSucceeded(
                Fixtures.run(
                        SixAtOnceTestCase.class,
                        parallel(with(fake.configuration(PROJECT), "lakebase.neon.max-branches", "3"))),
                6);

        assertThat(fake.project(PROJECT).mostBranchesAtOnce())
                .as("main, the base and two test branches")
                .isLessThanOrEqualTo(4);
    }

    @Test
    void maxBranchesThatLeavesNoRoomForTestsIsAConfigurationError() {
        FakeNeon fake = fake();
        Map<String, String> configuration = new HashMap<>(fake.configuration(PROJECT));
        configuration.put("lakebase.neon.max-branches", "2");
        configuration.put("lakebase.parents", "staging");
        configuration.put("lakebase.parent.staging.scripts", "classpath:parents/staging.sql");
        configuration.put("lakebase.from", "staging");

        EngineExecutionResults results = Fixtures.run(SixAtOnceTestCase.class, configuration);

        assertThat(Fixtures.failureMessages(results))
                .hasSize(6)
                .allSatisfy(m -> assertThat(m)
                        .contains("lakebase.neon.max-branches=2 leaves no branch for the tests")
                        .contains("needs 2 long-lived branches")
                        .doesNotContain(fake.apiKey()));
    }

    @LakebaseBranch
    static class SixAtOnceTestCase {

        @RepeatedTest(6)
        void holdsItsBranchForAMoment(DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            Thread.sleep(200);
        }
    }

    static class TwoTestsTestCase {

        @Test
        void first(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @Test
        void second(@LakebaseBranch Branch branch) throws SQLException {
            DataSource dataSource = branch.dataSource();
            Fixtures.execute(dataSource, "DELETE FROM inventory");
            branch.reset();
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    private static FakeNeon fake() {
        FakeNeon fake = FakeNeon.start();
        fake.createProject(PROJECT, "main", "");
        return fake;
    }

    static Map<String, String> with(Map<String, String> configuration, String key, String value) {
        Map<String, String> all = new HashMap<>(configuration);
        all.put(key, value);
        return all;
    }

    private static Map<String, String> parallel(Map<String, String> configuration) {
        Map<String, String> all = new HashMap<>(configuration);
        all.put("junit.jupiter.execution.parallel.enabled", "true");
        all.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        all.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
        all.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "6");
        return all;
    }

    /** Waits until the project has only these branches (a deletion may still be under way). */
    static void awaitOnly(NeonFakeProject project, String... names) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // an upper bound on a hang
        while (System.nanoTime() < deadline && project.branches().size() != names.length) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(project.branches()).extracting(NeonFakeBranch::name).containsExactlyInAnyOrder(names);
    }
}
