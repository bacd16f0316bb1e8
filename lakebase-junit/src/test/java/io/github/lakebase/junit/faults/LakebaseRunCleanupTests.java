package io.github.lakebase.junit.faults;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on Lakebase, in a JVM of its own that exits as a build's does: when it is over, the
 * project holds nothing of the library's, neither test branches nor the migrated bases and built
 * parents that live until the JVM exits.
 */
class LakebaseRunCleanupTests {

    @TempDir
    Path work;

    @Test
    void aFinishedRunLeavesNoBranchOfItsOwnBehind() throws Exception {
        FakeLakebase fake = FakeLakebase.start();
        FakeProject project = fake.createProject("cleanup", "production", "");
        project.addBranch("development", "production");
        Map<String, String> configuration = new HashMap<>(fake.configuration("cleanup"));
        configuration.put("lakebase.parents", "staging");
        configuration.put("lakebase.parent.staging.scripts", "classpath:parents/staging.sql");

        ChildJvm run = ChildJvm.start(work, "lakebase-run", WholeRunTestCase.class, configuration, List.of(), Map.of());
        try {
            assertThat(run.awaitExit())
                    .as("the run's tests passed:\n%s", run.logTail())
                    .isZero();
        } finally {
            run.destroy();
        }

        assertThat(project.branches())
                .extracting(FakeBranch::id)
                .containsExactlyInAnyOrder("production", "development");
        assertThat(project.mostBranchesAtOnce())
                .as("the run did create branches")
                .isGreaterThan(5);
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class WholeRunTestCase {

        @LakebaseBranch
        static DataSource shared;

        @Test
        void perClassAndPerMethod(@LakebaseBranch(name = "own") DataSource own) throws SQLException {
            assertThat(count(shared, "SELECT count(*) FROM inventory")).isEqualTo(3);
            assertThat(count(own, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @Test
        void fromABuiltParent(@LakebaseBranch(from = "staging", name = "staged") Branch staged) throws SQLException {
            assertThat(count(staged.dataSource(), "SELECT count(*) FROM inventory"))
                    .isEqualTo(3);
        }
    }
}
