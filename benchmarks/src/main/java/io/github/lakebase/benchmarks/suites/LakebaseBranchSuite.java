package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.benchmarks.harness.CellBudget;
import io.github.lakebase.benchmarks.harness.TestStart;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.github.lakebase.junit.LakebaseBranch;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @LakebaseBranch} as a user writes it: the migrations are applied once into a base, and every
 * test gets a branch forked from it, injected as a {@code DataSource}, and dropped afterwards. The
 * harness sets the configuration ({@code lakebase.embedded.data-directory}, {@code lakebase.prefetch})
 * as system properties of the JVM that runs it.
 *
 * <pre>{@code
 * @LakebaseBranch(migrations = V1__Fill.LOCATION)
 * class LakebaseBranchSuite { ... }
 * }</pre>
 */
@LakebaseBranch(migrations = V1__Fill.LOCATION)
@ExtendWith({CellBudget.class, TestStart.class})
public class LakebaseBranchSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(DataSource dataSource, TestReporter reporter) throws Exception {
        Workload.run(dataSource::getConnection, reporter);
    }
}
