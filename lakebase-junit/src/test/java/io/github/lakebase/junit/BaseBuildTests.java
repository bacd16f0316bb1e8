package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import javax.sql.DataSource;
import migrations.concurrent.V1__Count_builds;
import migrations.concurrentfailing.V1__Fail_once;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Concurrent tests that need the same base wait for one build; a failed build is never used and
 * never retried per test.
 */
class BaseBuildTests {

    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "8");

    @Test
    void concurrentTestsWaitForOneBuild() {
        Fixtures.assertAllSucceeded(Fixtures.run(ConcurrentTestCase.class, PARALLEL), 8);

        assertThat(V1__Count_builds.RUNS).hasValue(1);
    }

    @Test
    void aFailedBuildFailsEveryTestOnceAndIsNeverUsed() {
        var results = Fixtures.run(ConcurrentFailingTestCase.class, PARALLEL);

        results.testEvents().assertStatistics(s -> s.started(8).failed(8));
        assertThat(Fixtures.failureMessages(results))
                .allSatisfy(m -> assertThat(m).contains("the backfill found inconsistent rows"));
        assertThat(V1__Fail_once.RUNS).hasValue(1);
    }

    @LakebaseBranch(migrations = "classpath:migrations/concurrent")
    static class ConcurrentTestCase {
        @RepeatedTest(8)
        void seesTheBuiltBase(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM build_marker"))
                    .isZero();
            Fixtures.execute(dataSource, "INSERT INTO build_marker VALUES (1)");
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/concurrentfailing")
    static class ConcurrentFailingTestCase {
        @RepeatedTest(8)
        void neverRuns(DataSource dataSource) {}
    }
}
