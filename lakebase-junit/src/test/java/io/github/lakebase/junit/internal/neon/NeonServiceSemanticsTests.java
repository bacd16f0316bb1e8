package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.internal.neon.NeonFaultTests.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import io.github.lakebase.junit.internal.neon.fake.NeonFaults;
import io.github.lakebase.junit.internal.neon.fake.NeonFaults.Call;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider against the Neon API as its OpenAPI description has it, where a client's natural guess is
 * wrong: a branch kept alive only by the heartbeat can still be restored, a full project answers a
 * creation with no status or code of its own ({@code createProjectBranch} has only
 * {@code default: GeneralError}), and a kept branch needs the branch it was forked from ("You cannot delete
 * ... a branch that has a child branch").
 */
class NeonServiceSemanticsTests {

    private static final String PROJECT = "semantics";

    @Test
    void aResetLongAfterTheBranchWasCreatedStillSucceeds() {
        FakeNeon fake = FakeNeon.start();
        fake.createProject(PROJECT, "main", "");

        // Long enough that the fake's forks (database copies), slow on a loaded machine, leave a new branch
        // most of it before the heartbeat takes over; the fake deletes what expires.
        Map<String, String> configuration = with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "10s");
        assertAllSucceeded(Fixtures.run(LateResetTestCase.class, configuration), 1);
    }

    static class LateResetTestCase {

        @Test
        void resetsAfterItsTtl(@LakebaseBranch Branch branch) throws Exception {
            DataSource dataSource = branch.dataSource();
            Thread.sleep(10_500); // older than branch-ttl: alive only through the heartbeat
            execute(dataSource, "DELETE FROM inventory");
            branch.reset();
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    /**
     * A restore keeps the branch's {@code expires_at} and locks the branch (423) while it runs, so no heartbeat
     * extends it meanwhile; a branch whose expiry passes before the restore ends is deleted by Neon. Here the
     * branch's expiry on Neon is three seconds away and the restore takes six; with a {@code branch-ttl} (10 s)
     * shorter than a restore may take (twice {@code operation-timeout}, 40 s), the reset extends it first.
     */
    @Test
    void aResetThatOutlastsWhatIsLeftOfTheBranchsExpiryKeepsTheBranch() {
        FakeNeon fake = FakeNeon.start();
        NearExpiryResetTestCase.project = fake.createProject(PROJECT, "main", "");
        NearExpiryResetTestCase.faults = fake.faults();

        Map<String, String> configuration = with(fake.configuration(PROJECT), "lakebase.neon.branch-ttl", "10s");
        assertAllSucceeded(Fixtures.run(NearExpiryResetTestCase.class, configuration), 1);
    }

    static class NearExpiryResetTestCase {

        static NeonFakeProject project;
        static NeonFaults faults;

        @Test
        void resetsWithThreeSecondsLeftOfItsExpiry(@LakebaseBranch Branch branch) throws Exception {
            DataSource dataSource = branch.dataSource();
            execute(dataSource, "DELETE FROM inventory");
            Instant now = Instant.now();
            project.branchNamed(branch.name()).orElseThrow().updated(now, now.plusSeconds(3));
            faults.operationDelay(Duration.ofSeconds(6));
            branch.reset();
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            Thread.sleep(500); // Neon's expiry job (the fake's, every 200 ms) has had its chance
            assertThat(project.branchNamed(branch.name()))
                    .as("the branch after its reset")
                    .isPresent();
        }
    }

    /** With the default {@code branch-ttl} (1 h), what the heartbeat leaves is far more than a restore takes. */
    @Test
    void aResetWithPlentyOfTheExpiryLeftSetsNoExpiry() {
        FakeNeon fake = FakeNeon.start();
        fake.createProject(PROJECT, "main", "");
        PlentyLeftResetTestCase.faults = fake.faults();

        assertAllSucceeded(
                Fixtures.run(
                        PlentyLeftResetTestCase.class, with(fake.configuration(PROJECT), "lakebase.prefetch", "0")),
                1);
    }

    static class PlentyLeftResetTestCase {

        static NeonFaults faults;

        @Test
        void resets(@LakebaseBranch Branch branch) {
            int updates = faults.calls(Call.UPDATE);
            branch.reset();
            assertThat(faults.calls(Call.UPDATE))
                    .as("updates of a branch during its reset")
                    .isEqualTo(updates);
        }
    }

    /** The forms {@link io.github.lakebase.junit.internal.neon.fake.NeonFaults#branchLimitAnswer} traces. */
    @ParameterizedTest
    @CsvSource({"422, ''", "400, ''", "403, ''", "406, ''", "422, ANY_CODE"})
    void testsWaitWhenTheProjectIsFullWhateverStatusSaysSo(int status, String code) {
        FakeNeon fake = FakeNeon.start();
        fake.faults().branchLimit(4).branchLimitAnswer(status, code);
        NeonFakeProject project = fake.createProject("full", "main", "");
        project.addBranch("someone-elses", "main");
        Map<String, String> configuration = new HashMap<>(fake.configuration("full"));
        configuration.put("junit.jupiter.execution.parallel.enabled", "true");
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        configuration.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
        configuration.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "6");

        assertAllSucceeded(Fixtures.run(SixAtOnceTestCase.class, configuration), 6);

        assertThat(project.mostBranchesAtOnce()).isEqualTo(4);
    }

    /**
     * A wait for room may outlast {@code operation-timeout}: an answer to retry that comes after it (here a 429
     * while the project is still full) is retried as at the start of a creation, not given up on because the
     * wait for room used up the retries' time.
     */
    @Test
    void aThrottledAnswerAfterALongWaitForRoomIsRetried() throws InterruptedException {
        FakeNeon fake = FakeNeon.start();
        fake.faults().branchLimit(3);
        NeonFakeProject project = fake.createProject("waited", "main", "");
        project.addBranch("someone-elses", "main"); // with main and the base: full
        Map<String, String> configuration = with(
                with(fake.configuration("waited"), "lakebase.neon.operation-timeout", "15s"), "lakebase.prefetch", "0");
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

    @LakebaseBranch
    static class SixAtOnceTestCase {

        @RepeatedTest(6)
        void holdsItsBranchForAMoment(DataSource dataSource) throws Exception {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            Thread.sleep(200);
        }
    }

    /**
     * Parallel tests of one run delete their branches while another test's creation is refused for a full
     * project: the room seen after the refusal is then that deletion's, not a sign that the request itself is
     * wrong. Here each refusal is followed by the deletion of one of the run's branches, and each room it makes
     * is taken by another client before the creation is tried again, three times over.
     */
    @Test
    void aRefusalFollowedByTheRunsOwnDeletionIsOneOfAFullProject() {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject(PROJECT, "main", "");
        Map<String, String> settings = fake.configuration(PROJECT);
        try (NeonProvider provider = provider(settings, "churnrun")) {
            Deque<String> ownToDelete = threeTestBranches(provider, "churnrun");
            fake.faults().branchLimit(project.branches().size());
            AtomicInteger others = new AtomicInteger();
            AtomicBoolean roomGiven = new AtomicBoolean();
            fake.faults()
                    .afterEach(
                            Call.CREATE,
                            () -> Optional.ofNullable(ownToDelete.poll()).ifPresent(provider::delete));
            fake.faults().afterEach(Call.COUNT, () -> {
                if (others.get() < 3) {
                    project.addBranch("someone-elses-" + others.incrementAndGet(), "main");
                } else if (roomGiven.compareAndSet(false, true)) {
                    project.deleteBranch("someone-elses-" + others.get()); // room at last
                }
            });

            provider.create(new BranchRequest("lbj_churnrun_4_next", "main", null, Kind.BRANCH));

            assertThat(project.branchNamed("lbj_churnrun_4_next")).isPresent();
            assertThat(fake.faults().hookFailures()).isEmpty();
        }
    }

    /**
     * The run's own deletions do not hide a request that is wrong: refused three times with room to spare even
     * counting them back, it fails with Neon's reason, as it would without them, instead of waiting for room.
     */
    @Test
    void aWrongRequestFailsAsOneWhileTheRunDeletesBranches() {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject(PROJECT, "main", "");
        Map<String, String> settings = with(fake.configuration(PROJECT), "lakebase.neon.slot-timeout", "30s");
        try (NeonProvider provider = provider(settings, "wrongrun")) {
            Deque<String> ownToDelete = threeTestBranches(provider, "wrongrun");
            fake.faults().maxExpiry(Duration.ofMinutes(30)); // below branch-ttl (1h): every creation is refused
            // room for one more branch: counting a deletion of the run's own back more than once would fill it
            fake.faults().branchLimit(project.branches().size() + 1);
            int creations = fake.faults().calls(Call.CREATE);
            fake.faults()
                    .afterEach(
                            Call.CREATE,
                            () -> Optional.ofNullable(ownToDelete.poll()).ifPresent(provider::delete));

            assertThatThrownBy(
                            () -> provider.create(new BranchRequest("lbj_wrongrun_4_next", "main", null, Kind.BRANCH)))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("Neon refused branch lbj_wrongrun_4_next")
                    .hasMessageContaining("expires_at");
            assertThat(fake.faults().calls(Call.CREATE) - creations)
                    .as("refused three times with room to spare, however many branches the run deleted meanwhile")
                    .isEqualTo(3);
            assertThat(ownToDelete)
                    .as("a deletion of the run's own after each refusal")
                    .isEmpty();
            assertThat(fake.faults().hookFailures()).isEmpty();
        }
    }

    @Test
    void aKeptBranchKeepsItsBaseForAsLongAsItself() {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject(PROJECT, "main", "");
        String base = "lbj_keeprun_base_1";
        String branch = "lbj_keeprun_2_kept";
        Map<String, String> settings = fake.configuration(PROJECT);
        try (NeonProvider provider = provider(settings, "keeprun")) {
            provider.create(new BranchRequest(base, "main", null, Kind.BASE));
            provider.create(new BranchRequest(branch, base, null, Kind.BRANCH));
            provider.keep(branch);
        }

        NeonFakeBranch kept = project.branchNamed(branch).orElseThrow();
        NeonFakeBranch itsBase = project.branchNamed(base).orElseThrow();
        assertThat(kept.parentId()).isEqualTo(itsBase.id());
        assertThat(itsBase.expiresAt()).isAfterOrEqualTo(kept.expiresAt());
        assertThat(fake.faults().calls(Call.DELETE))
                .as("no attempt to delete a base a kept branch needs")
                .isZero();
    }

    /** The provider of run {@code runId} with {@code settings}, outside JUnit. */
    private static NeonProvider provider(Map<String, String> settings, String runId) {
        Configuration context = new Configuration(
                key -> Optional.ofNullable(settings.get(key)),
                Map.of(),
                runId,
                NeonServiceSemanticsTests.class.getClassLoader());
        return (NeonProvider) new NeonProviderFactory().create(context);
    }

    /** Three test branches of run {@code runId}, created by {@code provider}: their names, to delete one by one. */
    private static Deque<String> threeTestBranches(NeonProvider provider, String runId) {
        Deque<String> names = new ConcurrentLinkedDeque<>();
        for (int i = 1; i <= 3; i++) {
            String name = "lbj_" + runId + "_" + i + "_done";
            provider.create(new BranchRequest(name, "main", null, Kind.BRANCH));
            names.add(name);
        }
        return names;
    }
}
