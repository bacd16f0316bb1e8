package io.github.lakebase.junit.faults;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on Neon, in a JVM of its own that exits as a build's does: when it is over, the project
 * holds nothing of the library's, neither test branches nor the migrated bases and built parents that
 * live until the JVM exits.
 */
class NeonRunCleanupTests {

    @TempDir
    Path work;

    @Test
    void aFinishedRunLeavesNoBranchOfItsOwnBehind() throws Exception {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject("cleanup", "main", "");
        project.addBranch("development", "main");
        Map<String, String> configuration = new HashMap<>(fake.configuration("cleanup"));
        configuration.put("lakebase.parents", "staging");
        configuration.put("lakebase.parent.staging.scripts", "classpath:parents/staging.sql");

        ChildJvm run = ChildJvm.start(work, "neon-run", WholeRunTestCase.class, configuration, List.of(), Map.of());
        try {
            assertThat(run.awaitExit())
                    .as("the run's tests passed:\n%s", run.logTail())
                    .isZero();
        } finally {
            run.destroy();
        }

        awaitOnly(project, "main", "development");
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

    /** Waits until the project has only these branches: Neon finishes a deletion in the background. */
    private static void awaitOnly(NeonFakeProject project, String... names) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && project.branches().size() != names.length) {
            Thread.sleep(50);
        }
        assertThat(project.branches()).extracting(NeonFakeBranch::name).containsExactlyInAnyOrder(names);
    }
}
