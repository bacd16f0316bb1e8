package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import io.github.lakebase.junit.internal.databricks.fake.Faults.Call;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The provider never touches what is not its own: a sweep deletes the branches of dead runs (and
 * nothing of a live run, a kept branch, a protected branch, a branch without expiry, a user's branch,
 * or a branch others were forked from), and a provider refuses to reset, keep or delete any branch it
 * did not create in its run.
 */
class LakebaseSweepTests {

    private static final FakeLakebase FAKE = FakeLakebase.start();

    @Test
    void aRunSweepsTheBranchesOfDeadRunsAndNothingElse() {
        FakeLakebase fake = FakeLakebase.start(); // of its own, to count its calls
        FakeProject project = fake.createProject("sweep", "production", "");
        Instant now = Instant.now();
        Instant lastBeat = now.minus(Duration.ofMinutes(30));
        // a dead run: a base, a test branch forked from it, a kept branch, and a base that a user forked
        project.addBranch("lbj-deadrun-base-1", "production").times(lastBeat, lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("lbj-deadrun-7-old-test", "lbj-deadrun-base-1")
                .times(lastBeat, lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("lbj-deadrun-9-kept", "production")
                .times(lastBeat, lastBeat, lastBeat.plus(Duration.ofDays(7)));
        project.addBranch("lbj-deadrun-5-protected", "production")
                .times(lastBeat, lastBeat, lastBeat.plusSeconds(3600))
                .protect();
        project.addBranch("lbj-deadrun-6-forever", "production").times(lastBeat, lastBeat, null);
        project.addBranch("lbj-deadrun-base-2", "production").times(lastBeat, lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("users-fork", "lbj-deadrun-base-2");
        // a live run: its heartbeat extended its branch a minute ago
        Instant beat = now.minus(Duration.ofMinutes(1));
        project.addBranch("lbj-liverun-3-other-build", "production").times(lastBeat, beat, beat.plusSeconds(3600));
        // look-alikes: not the library's form, or another prefix
        project.addBranch("lbj-feature-login", "production").times(lastBeat, lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("ci-deadrun-3-x", "production").times(lastBeat, lastBeat, lastBeat.plusSeconds(3600));

        assertAllSucceeded(Fixtures.run(OneTestCase.class, fake.configuration("sweep")), 1);

        assertThat(fake.faults().calls(Call.LIST))
                .as("12 branches, 3 a page, read to the last page")
                .isGreaterThanOrEqualTo(4);

        assertThat(project.branches())
                .extracting(FakeBranch::id)
                .doesNotContain("lbj-deadrun-base-1", "lbj-deadrun-7-old-test")
                .contains(
                        "production",
                        "lbj-deadrun-9-kept",
                        "lbj-deadrun-5-protected",
                        "lbj-deadrun-6-forever",
                        "lbj-deadrun-base-2",
                        "users-fork",
                        "lbj-liverun-3-other-build",
                        "lbj-feature-login",
                        "ci-deadrun-3-x");
    }

    static class OneTestCase {
        @Test
        void test(@LakebaseBranch DataSource dataSource) {
            assertThat(dataSource).isNotNull();
        }
    }

    @Test
    void aProviderRefusesToTouchWhatItDidNotCreateInItsRun() {
        FakeProject project = FAKE.createProject("refusals", "production", "");
        project.addBranch("staging", "production").protect();
        project.addBranch("lbj-otherrun-3-test", "production");
        Map<String, String> settings = FAKE.configuration("refusals");
        Configuration config = new Configuration(
                key -> Optional.ofNullable(settings.get(key)),
                Map.of(),
                "thisrun",
                getClass().getClassLoader());
        try (DatabricksProvider provider = DatabricksProvider.open(config)) {
            provider.create(new BranchRequest("lbj-thisrun-1-mine", "production", null, Kind.BRANCH));
            for (String name : new String[] {"production", "staging", "lbj-otherrun-3-test", "lbj-thisrun-2-next"}) {
                assertThatThrownBy(() -> provider.delete(name)).hasMessageContaining("Refusing to modify");
                assertThatThrownBy(() -> provider.reset(name, "production")).hasMessageContaining("Refusing to modify");
                assertThatThrownBy(() -> provider.keep(name)).hasMessageContaining("Refusing to modify");
                assertThatThrownBy(() -> provider.seal(name)).hasMessageContaining("Refusing to modify");
            }
            assertThat(provider.ownBranches()).containsExactly("lbj-thisrun-1-mine");
            assertThat(provider.knownParents()).containsExactly("production", "staging");
            provider.delete("lbj-thisrun-1-mine");
        }
        assertThat(project.branches())
                .extracting(FakeBranch::id)
                .containsExactlyInAnyOrder("production", "staging", "lbj-otherrun-3-test");
    }
}
