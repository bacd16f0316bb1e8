package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.internal.databricks.LakebaseFaultTests.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import io.github.lakebase.junit.internal.databricks.fake.Faults.Call;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * More tests at once than branches allowed: by {@code lakebase.databricks.max-branches} or by the project
 * itself (other runs hold branches). Tests wait for a branch instead of failing.
 */
class LakebaseBranchLimitTests {

    @Test
    void testsWaitForAFreeBranchBeyondMaxBranches() {
        FakeLakebase fake = FakeLakebase.start();
        FakeProject project = fake.createProject("limited", "production", "");
        Map<String, String> configuration =
                parallel(with(fake.configuration("limited"), "lakebase.databricks.max-branches", "3"));
        SixAtOnceTestCase.MEETING = new CountDownLatch(2);

        assertAllSucceeded(Fixtures.run(SixAtOnceTestCase.class, configuration), 6);

        assertThat(project.mostBranchesAtOnce())
                .as("production, the base and two test branches")
                .isEqualTo(4);
    }

    @Test
    void testsWaitWhileTheProjectIsAtItsBranchLimit() {
        FakeLakebase fake = FakeLakebase.start();
        fake.faults().branchLimit(4);
        FakeProject project = fake.createProject("full", "production", "");
        project.addBranch("someone-elses", "production");
        SixAtOnceTestCase.MEETING = new CountDownLatch(0); // one branch for the tests: nobody to wait for

        assertAllSucceeded(Fixtures.run(SixAtOnceTestCase.class, parallel(fake.configuration("full"))), 6);

        assertThat(project.mostBranchesAtOnce()).isEqualTo(4);
    }

    /**
     * A wait for room may outlast {@code operation-timeout}: an answer to retry that comes after it (here a 429
     * while the project is still full) is retried as at the start of a creation, not given up on because the
     * wait for room used up the retries' time.
     */
    @Test
    void aThrottledAnswerAfterALongWaitForRoomIsRetried() throws InterruptedException {
        FakeLakebase fake = FakeLakebase.start();
        fake.faults().branchLimit(3);
        FakeProject project = fake.createProject("waited", "production", "");
        project.addBranch("someone-elses", "production"); // with production and the base: full
        Map<String, String> configuration = with(
                with(fake.configuration("waited"), "lakebase.databricks.operation-timeout", "15s"),
                "lakebase.prefetch",
                "0");
        project.deleteOnceFullFor("someone-elses", Duration.ofMillis(16_500));
        Thread throttle = Fixtures.afterFirst(
                () -> project.limitRefusals() > 0,
                Duration.ofSeconds(16), // longer than operation-timeout, which a loaded machine's clones stay under
                () -> fake.faults().throttle(Call.CREATE, 1));

        assertAllSucceeded(Fixtures.run(OneTestCase.class, configuration), 1);
        throttle.join();
        assertThat(fake.faults().pending(Call.CREATE)).as("the 429, answered").isZero();
    }

    @LakebaseBranch
    static class OneTestCase {

        @Test
        void readsItsBranch(DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void maxBranchesThatLeavesNoRoomForTestsIsAConfigurationError() {
        FakeLakebase fake = FakeLakebase.start();
        fake.createProject("tight", "production", "");
        Map<String, String> configuration = new HashMap<>(fake.configuration("tight"));
        configuration.put("lakebase.databricks.max-branches", "2");
        configuration.put("lakebase.parents", "staging");
        configuration.put("lakebase.parent.staging.scripts", "classpath:parents/staging.sql");
        configuration.put("lakebase.from", "staging");

        EngineExecutionResults results = Fixtures.run(SixAtOnceTestCase.class, configuration);

        assertThat(Fixtures.failureMessages(results))
                .hasSize(6)
                .allSatisfy(m -> assertThat(m)
                        .contains("lakebase.databricks.max-branches=2 leaves no branch for the tests")
                        .contains("needs 2 long-lived branches"));
    }

    @LakebaseBranch
    static class SixAtOnceTestCase {

        /** Where two tests can hold a branch at once, the first waits on its branch for the second. */
        static volatile CountDownLatch MEETING = new CountDownLatch(0);

        @RepeatedTest(6)
        void holdsItsBranchForAMoment(DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            MEETING.countDown();
            MEETING.await(120, TimeUnit.SECONDS);
            Thread.sleep(200);
        }
    }

    /** Runs the fixture's tests six at a time. */
    private static Map<String, String> parallel(Map<String, String> configuration) {
        Map<String, String> all = new HashMap<>(configuration);
        all.put("junit.jupiter.execution.parallel.enabled", "true");
        all.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        all.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
        all.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "6");
        return all;
    }
}
