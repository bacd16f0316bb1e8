package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import io.github.lakebase.junit.internal.neon.fake.NeonFaults.Call;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The neon provider never touches what is not its own: a sweep deletes the branches of dead runs (and
 * nothing of a live run, a kept branch, a protected branch, a branch without expiry, a user's branch, or
 * a branch others were forked from), and a provider refuses to reset, keep or delete any branch it did
 * not create in its run.
 */
class NeonSweepTests {

    @Test
    void aRunSweepsTheBranchesOfDeadRunsAndNothingElse() {
        FakeNeon fake = FakeNeon.start(); // of its own, to count its calls
        fake.faults().pageSize(3);
        NeonFakeProject project = fake.createProject("sweep", "main", "");
        Instant now = Instant.now();
        Instant lastBeat = now.minus(Duration.ofMinutes(30));
        project.addBranch("lbj_deadrun_base_1", "main").updated(lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("lbj_deadrun_7_old_test", "lbj_deadrun_base_1").updated(lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("lbj_deadrun_9_kept", "main").updated(lastBeat, lastBeat.plus(Duration.ofDays(7)));
        project.addBranch("lbj_deadrun_5_protected", "main")
                .updated(lastBeat, lastBeat.plusSeconds(3600))
                .protect();
        project.addBranch("lbj_deadrun_6_forever", "main").updated(lastBeat, null);
        project.addBranch("lbj_deadrun_base_2", "main").updated(lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("users-fork", "lbj_deadrun_base_2");
        Instant beat = now.minus(Duration.ofMinutes(1));
        project.addBranch("lbj_liverun_3_other_build", "main").updated(beat, beat.plusSeconds(3600));
        project.addBranch("lbj_feature_login", "main").updated(lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("ci_deadrun_3_x", "main").updated(lastBeat, lastBeat.plusSeconds(3600));
        project.addBranch("lbj_deadrun_8_on_the_last_page", "main").updated(lastBeat, lastBeat.plusSeconds(3600));

        assertAllSucceeded(Fixtures.run(OneTestCase.class, fake.configuration("sweep")), 1);

        assertThat(fake.faults().calls(Call.LIST))
                .as("12 branches, 3 a page, read to the last page")
                .isGreaterThanOrEqualTo(4);
        assertThat(project.branches())
                .extracting(NeonFakeBranch::name)
                .doesNotContain("lbj_deadrun_base_1", "lbj_deadrun_7_old_test", "lbj_deadrun_8_on_the_last_page")
                .contains(
                        "main",
                        "lbj_deadrun_9_kept",
                        "lbj_deadrun_5_protected",
                        "lbj_deadrun_6_forever",
                        "lbj_deadrun_base_2",
                        "users-fork",
                        "lbj_liverun_3_other_build",
                        "lbj_feature_login",
                        "ci_deadrun_3_x");
    }

    static class OneTestCase {
        @Test
        void test(@LakebaseBranch DataSource dataSource) {
            assertThat(dataSource).isNotNull();
        }
    }

    @Test
    void aProviderRefusesToTouchWhatItDidNotCreateInItsRun() {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject("refusals", "main", "");
        project.addBranch("staging", "main").protect();
        project.addBranch("lbj_otherrun_3_test", "main");
        Map<String, String> settings = fake.configuration("refusals");
        Configuration config = new Configuration(
                key -> Optional.ofNullable(settings.get(key)),
                Map.of(),
                "thisrun",
                getClass().getClassLoader());
        try (NeonProvider provider = (NeonProvider) new NeonProviderFactory().create(config)) {
            provider.create(new BranchRequest("lbj_thisrun_1_mine", "main", null, Kind.BRANCH));
            for (String name : new String[] {"main", "staging", "lbj_otherrun_3_test", "lbj_thisrun_2_next"}) {
                assertThatThrownBy(() -> provider.delete(name)).hasMessageContaining("Refusing to modify");
                assertThatThrownBy(() -> provider.reset(name, "main")).hasMessageContaining("Refusing to modify");
                assertThatThrownBy(() -> provider.keep(name)).hasMessageContaining("Refusing to modify");
            }
            assertThat(provider.ownBranches()).containsExactly("lbj_thisrun_1_mine");
            assertThat(provider.knownParents()).containsExactly("main", "staging");
            assertThat(provider.describe()).doesNotContain(fake.apiKey());
            provider.delete("lbj_thisrun_1_mine");
        }
        assertThat(project.branches())
                .extracting(NeonFakeBranch::name)
                .containsExactlyInAnyOrder("main", "staging", "lbj_otherrun_3_test");
    }

    @Test
    void withoutAnApiKeyTheProviderSaysWhereToPutOne() {
        Configuration config = new Configuration(
                key -> Optional.ofNullable(
                        Map.of("lakebase.neon.project", "orders").get(key)),
                Map.of(),
                "nokey",
                getClass().getClassLoader());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("NEON_API_KEY") == null, "this machine has a Neon API key in its environment");

        assertThat(new NeonProviderFactory().unavailableReason(config))
                .hasValueSatisfying(reason -> assertThat(reason).contains("NEON_API_KEY"));
        assertThatThrownBy(() -> new NeonProviderFactory().create(config))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("NEON_API_KEY")
                .hasMessageContaining("lakebase.neon.api-key");
    }
}
