package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.lakebase.junit.internal.server.TemplateBranchProvider;
import io.github.lakebase.junit.internal.server.TemporaryServer;
import io.github.lakebase.junit.internal.server.TestServers;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Spares on a real server: how many, from which base, and that none outlives the prefetcher. */
@Execution(ExecutionMode.SAME_THREAD) // each test counts the spares on the server
class PrefetcherTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(40).withProvider("prefetchertests");

    private static final BranchNames NAMES = new BranchNames("lbj_", "prefetchertests");
    private Prefetcher prefetcher;

    @BeforeEach
    void newPrefetcher() {
        prefetcher = plain(SERVER.provider());
    }

    @AfterEach
    void closePrefetcher() {
        prefetcher.close();
    }

    @Test
    void keepsDepthSparesOfABaseAndHandsThemOverUnderTheTestsName() throws Exception {
        String base = base();
        Prefetcher.Forked first = prefetcher.take(base, 2, "first");
        List<String> spares = awaitSpares(2);
        assertThat(prefetcher.count()).isEqualTo(2);

        Prefetcher.Forked second = prefetcher.take(base, 2, "second");

        assertThat(first.name()).endsWith("_first").isNotIn(spares);
        assertThat(second.name()).isEqualTo(spares.get(0) + "_second");
        assertThat(query(second.name(), "SELECT current_database()")).isEqualTo(second.name());
        assertThat(comment(second.name())).endsWith(" kind=branch");
        assertThat(SERVER.provider().ownBranches()).contains(second.name()).doesNotContain(spares.get(0));
        assertThat(awaitSpares(2)).as("topped up again").hasSize(2).doesNotContain(spares.get(0));
    }

    @Test
    void aSpareTakenWithoutAHintKeepsItsNameAndIsRecordedAsABranch() throws Exception {
        String base = base();
        prefetcher.take(base, 1, "first");
        List<String> spares = awaitSpares(1);

        Prefetcher.Forked taken = prefetcher.take(base, 1, "");

        assertThat(taken.name()).isEqualTo(spares.get(0));
        assertThat(comment(taken.name())).endsWith(" kind=branch");
        assertThat(SERVER.provider().ownBranches()).contains(taken.name());
    }

    @Test
    void whereBranchesAreRestoredASpareIsHandedOverConnectedAlreadyUnderItsOwnName() throws Exception {
        String base = base();
        ConnectionBudget budget = new ConnectionBudget(Integer.MAX_VALUE, "none");
        CountingClaims provider = new CountingClaims();
        try (Prefetcher restoring =
                new Prefetcher(provider, NAMES, Optional.of(true), BranchPool.in(budget), new SpareWorkers())) {
            provider.delete(restoring.take(base, 1, "first").name());
            String spare = awaitSessionOn(base);
            assertThat(comment(spare))
                    .as("not taken yet, and recorded as a test's branch already: it will never be renamed")
                    .endsWith(" kind=branch");

            Prefetcher.Forked second = restoring.take(base, 1, "second");

            assertThat(second.name()).as("a rename would end the session").isEqualTo(spare);
            assertThat(provider.claims)
                    .as("round trips to claim it on the test's path")
                    .hasValue(0);
            assertThat(comment(spare)).endsWith(" kind=branch");
            assertThat(second.pool()).as("the pool that opens the session").isNotNull();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!second.pool().idle() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(second.pool().idle())
                    .as("its session, opened without the test asking, idle")
                    .isTrue();
            try (Connection c = second.pool().dataSource(4).getConnection()) {
                assertThat(c.getMetaData().getURL()).endsWith("/" + spare);
            }
            second.pool().end();
            provider.delete(second.name());
        } finally {
            provider.close();
        }
        assertThat(list("SELECT datname FROM pg_stat_activity WHERE datname LIKE 'lbj_prefetchertests%'"))
                .as("sessions left on spares")
                .isEmpty();
    }

    @Test
    void aSlowTestsBranchIsRestoredOnlyOnceATestFindsNoSpareReadyWhileAnotherIsReady() throws Exception {
        String base = base();
        try (Prefetcher restoring = new Prefetcher(
                SERVER.provider(), NAMES, Optional.of(true), null, new SpareWorkers(TimeUnit.HOURS.toMillis(1)))) {
            // The base's first spare reads it for restores; its branches are restorable from then on.
            SERVER.provider().delete(restoring.take(base, 1, "first").name());
            Prefetcher.Forked slow = restoring.take(base, 1, "slow");
            assertThat(slow.restorable()).isTrue();
            awaitReady(restoring, base, 1); // forked once the slow test took its branch
            Thread.sleep(SpareWorkers.SLOW_TEST_MILLIS + 200); // the test is slow

            assertThat(restoring.giveBack(slow.name())).isTrue();
            Thread.sleep(500);
            assertThat(list("SELECT datname FROM pg_database WHERE datname = '" + slow.name() + "'"))
                    .as("the slow test's branch, not renamed to be restored while another spare is ready")
                    .containsExactly(slow.name());

            Prefetcher.Forked next = restoring.take(base, 1, "next"); // the spare that was ready
            // None is ready now: the held restore starts at once, not after the workers' pause of an hour.
            Prefetcher.Forked after =
                    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> restoring.take(base, 1, "after"));
            assertThat(after.restorable()).as("a branch restored in place").isTrue();
            assertThat(list("SELECT datname FROM pg_database WHERE datname = '" + slow.name() + "'"))
                    .as("the slow test's branch, under its old name")
                    .isEmpty();
            SERVER.provider().delete(next.name());
            SERVER.provider().delete(after.name());
        }
    }

    @Test
    void aFastTestsBranchIsRestoredAtOnceWhenOnlyTheNextTestsSpareIsReady() throws Exception {
        String base = base();
        // A test that holds its branch less than ten minutes is fast here: on a busy machine even a test that gives
        // its branch back at once may hold it longer than the default threshold.
        SpareWorkers workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1), TimeUnit.MINUTES.toMillis(10));
        try (Prefetcher restoring = new Prefetcher(SERVER.provider(), NAMES, Optional.of(true), null, workers)) {
            SERVER.provider().delete(restoring.take(base, 2, "first").name());
            workers.hurry(); // the first spares, held for the pause while the first test starts
            awaitReady(restoring, base, 2);
            Prefetcher.Forked fast = restoring.take(base, 2, "fast");

            // One spare ready, which the next test takes: the test after it may need this branch, and a fast test
            // leaves its restore little time, so the restore does not wait out the workers' pause (of an hour here).
            assertThat(restoring.giveBack(fast.name())).isTrue();
            assertThat(awaitGone(fast.name()))
                    .as("the fast test's branch, renamed to be restored at once")
                    .isTrue();
            restoring.awaitGivenBack();
        }
    }

    @Test
    void onceABranchCameBackTheBranchesTestsHoldCountAsSparesButOneSpareAtLeastIsForkedBesides() throws Exception {
        String base = base();
        try (Prefetcher restoring = restoringAtOnce(SERVER.provider())) {
            Prefetcher.Forked second = secondAfterOneKept(restoring, base);
            assertThat(second.restorable())
                    .as("a spare, restored in place when given back")
                    .isTrue();
            awaitReady(restoring, base, 2);
            assertThat(restoring.count())
                    .as("no branch has come back yet: two spares")
                    .isEqualTo(2);
            assertThat(restoring.giveBack(second.name())).isTrue();
            restoring.awaitGivenBack();
            awaitReady(restoring, base, 3);

            // Tests one after another or at once: what they hold comes back restored when they end.
            Prefetcher.Forked third = restoring.take(base, 2, "third");
            Prefetcher.Forked fourth = restoring.take(base, 2, "fourth");
            assertThat(restoring.count())
                    .as("one spare, and the branches two tests hold, which will come back")
                    .isEqualTo(1);
            Prefetcher.Forked fifth = restoring.take(base, 2, "fifth");
            assertThat(restoring.count())
                    .as("one spare forked besides the branches three tests hold")
                    .isEqualTo(1);
            for (Prefetcher.Forked ended : List.of(third, fourth, fifth)) {
                giveBackOrDrop(restoring, ended);
            }
            restoring.awaitGivenBack();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void afterATestChangedTheSchemaOfItsBranchTheBranchesTestsHoldDoNotCountAsSpares() throws Exception {
        String base = base();
        try (Prefetcher restoring = restoringAtOnce(SERVER.provider())) {
            Prefetcher.Forked second = secondAfterOneKept(restoring, base);
            awaitReady(restoring, base, 2);
            try (Connection c = SERVER.get().connect(second.name());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE added_by_the_test (id int)"); // a schema change: no restore in place
            }
            assertThat(restoring.giveBack(second.name())).isTrue();
            restoring.awaitGivenBack(); // dropped: two spares are ready, and a new fork in its place is not needed
            awaitReady(restoring, base, 2);

            // Tests that change the schema: what they hold is dropped when they end, not restored.
            Prefetcher.Forked third = restoring.take(base, 2, "third");
            Prefetcher.Forked fourth = restoring.take(base, 2, "fourth");
            assertThat(restoring.count())
                    .as("two spares besides the branches two tests hold, which will not come back as spares")
                    .isEqualTo(2);
            giveBackOrDrop(restoring, third);
            giveBackOrDrop(restoring, fourth);
            restoring.awaitGivenBack();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aSpareNotForkedYetIsNotForkedOnceABranchThatCameBackTakesItsPlace() throws Exception {
        String base = base();
        HeldForks held = new HeldForks();
        readForRestores(held, base);
        Prefetcher restoring = restoringAtOnce(held);
        try {
            held.hold.set(true);
            Prefetcher.Forked first = restoring.take(base, 2, "first");
            List<String> forking = held.awaitHeld(1); // the second spare waits for the first, and for this branch
            assertThat(restoring.giveBack(first.name())).as("restorable").isTrue();
            awaitReady(restoring, base, 1);

            held.letGo(forking.get(0));
            awaitReady(restoring, base, 2);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (restoring.count() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(restoring.count())
                    .as("the first spare and the first test's branch, restored: the second spare is not forked")
                    .isEqualTo(2);
            assertThat(held.held).as("spares asked of the provider").hasSize(1);
        } finally {
            held.letGoAll();
            restoring.close();
            held.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aBranchThatMayComeBackRestoredHoldsBackItsBasesSecondSpareAndTakesItsPlace() throws Exception {
        String base = base();
        CountingForks counting = new CountingForks();
        readForRestores(counting, base);
        counting.forked.set(0);
        try (Prefetcher restoring = restoringAtOnce(counting)) {
            Prefetcher.Forked first = restoring.take(base, 2, "first");
            assertThat(first.restorable())
                    .as("restored in place when given back")
                    .isTrue();
            awaitReady(restoring, base, 1);
            Thread.sleep(1000); // a second spare forked once the first exists would be under way well within this
            assertThat(counting.forked)
                    .as("spares forked while the first test holds a branch that will come back as one")
                    .hasValue(1);

            assertThat(restoring.giveBack(first.name())).isTrue();
            awaitReady(restoring, base, 2); // the first spare, and the first test's branch restored
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (restoring.count() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(restoring.count())
                    .as("spares, the second among them until it goes and is found not needed")
                    .isEqualTo(2);
            assertThat(counting.forked)
                    .as("spares forked: the second is not, the branch that came back takes its place")
                    .hasValue(1);
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aSecondBranchOfTheBaseLentAtTheSameTimeLetsTheSpareHeldBackGo() throws Exception {
        String base = base();
        CountingForks counting = new CountingForks();
        readForRestores(counting, base);
        counting.forked.set(0);
        try (Prefetcher restoring = restoringAtOnce(counting)) {
            Prefetcher.Forked first = restoring.take(base, 2, "first");
            awaitReady(restoring, base, 1);

            // Tests of the base at the same time (in parallel, or a class's branch and its methods'): the branch the
            // first holds will not come back before the next spare is needed.
            Prefetcher.Forked second = restoring.take(base, 2, "second"); // the spare that was ready, without waiting

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (counting.forked.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(counting.forked)
                    .as("spares forked, the one held back among them")
                    .hasValueGreaterThanOrEqualTo(2);
            for (Prefetcher.Forked ended : List.of(first, second)) {
                giveBackOrDrop(restoring, ended);
            }
            restoring.awaitGivenBack();
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    /** Has a spare read {@code base} on {@code provider}: a branch of it forked on demand is restorable from then on. */
    private static void readForRestores(BranchProvider provider, String base) throws Exception {
        try (Prefetcher reading = restoringAtOnce(provider)) {
            provider.delete(reading.take(base, 1, "reads").name());
            awaitReady(reading, base, 1);
        }
    }

    /** Spares forked ahead on {@code provider}, neither restored in place nor connected ahead. */
    private static Prefetcher plain(BranchProvider provider) {
        return new Prefetcher(provider, NAMES, Optional.of(false), null, new SpareWorkers());
    }

    /** Spares restored in place, each as soon as it is given back (a test is slow after ten minutes only). */
    private static Prefetcher restoringAtOnce(BranchProvider provider) {
        return new Prefetcher(
                provider, NAMES, Optional.of(true), null, new SpareWorkers(0, TimeUnit.MINUTES.toMillis(10)));
    }

    /**
     * The branch of a second test of {@code base}, a spare, taken once two spares are ready after a first test's
     * branch that does not come back (kept, say).
     */
    private static Prefetcher.Forked secondAfterOneKept(Prefetcher restoring, String base) throws Exception {
        Prefetcher.Forked first = restoring.take(base, 2, "first");
        restoring.notComingBack(first.name());
        SERVER.provider().delete(first.name());
        awaitReady(restoring, base, 2);
        return restoring.take(base, 2, "second");
    }

    /** What the service does with a branch whose test has ended: gives it back, else drops it. */
    private static void giveBackOrDrop(Prefetcher prefetcher, Prefetcher.Forked branch) {
        if (!prefetcher.giveBack(branch.name())) {
            SERVER.provider().delete(branch.name());
        }
    }

    @Test
    void aBranchWhoseForkOnDemandTookLongReadsItsBaseAndComesBackRestoredInsteadOfDropped() throws Exception {
        String base = base();
        // A 1 GB base copied on a journaled ext4 while its files are still in the page cache: 250-285 ms on the
        // benchmark's machine, and less in one of its full runs, where the next test then waited 303 ms.
        SlowForks large = new SlowForks(200);
        try (Prefetcher restoring = new Prefetcher(large, NAMES, Optional.of(true), null, new SpareWorkers())) {
            Prefetcher.Forked first = restoring.take(base, 1, "first");
            assertThat(first.restorable())
                    .as("its base read from it before its test")
                    .isTrue();
            try (Connection c = first.connection().open();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO from_" + base + " DEFAULT VALUES");
            }
            // The spare forked ahead starts after the workers' pause (20 ms); a branch given back before then is
            // restored in its place instead, and that spare is not needed.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (large.forks.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            assertThat(restoring.giveBack(first.name()))
                    .as("taken back, to be restored")
                    .isTrue();
            restoring.awaitGivenBack();

            assertThat(list("SELECT datname FROM pg_database WHERE datname = '" + first.name() + "'"))
                    .as("renamed to a spare, not dropped")
                    .isEmpty();
            awaitSparesOf(base, 2);
            List<String> spares = sparesOf(base);
            assertThat(spares)
                    .as("the one forked ahead, and the first branch restored")
                    .hasSize(2);
            for (String spare : spares) {
                assertThat(query(spare, "SELECT count(*) FROM from_" + base)).isEqualTo("0");
            }
            assertThat(large.forks.get())
                    .as("one on demand, one ahead: none again for the first branch")
                    .isEqualTo(2);
        }
    }

    @Test
    void beyondTheLimitTheSparesOfTheBaseUsedLongestAgoMakeRoom() throws Exception {
        List<String> bases = new ArrayList<>();
        for (int i = 0; i <= Prefetcher.LIMIT_PER_DEPTH; i++) {
            bases.add(base());
        }
        for (String base : bases) {
            prefetcher.take(base, 1, "test");
            awaitSparesOf(base, 1);
        }

        assertThat(prefetcher.count()).isEqualTo(Prefetcher.LIMIT_PER_DEPTH);
        awaitNoSparesOf(bases.get(0)); // its spare's drop runs beside the last base's fork, and may end after it
        assertThat(sparesOf(bases.get(0))).as("the base used longest ago").isEmpty();
        assertThat(spares()).hasSize(Prefetcher.LIMIT_PER_DEPTH);
        assertThat(sparesOf(bases.get(bases.size() - 1)))
                .as("the base used last")
                .hasSize(1);
    }

    @Test
    void closingDropsEverySpareNoTestTook() throws Exception {
        prefetcher.take(base(), 2, "test");
        prefetcher.take(base(), 1, "test");
        assertThat(awaitSpares(3)).hasSize(3);

        prefetcher.close();

        assertThat(spares()).isEmpty();
        assertThat(prefetcher.count()).isZero();
    }

    @Test
    void depthZeroForksOnDemandOnly() throws Exception {
        String base = base();
        prefetcher.take(base, 0, "first");
        prefetcher.take(base, 0, "second");
        Thread.sleep(300);

        assertThat(spares()).isEmpty();
    }

    @Test
    void noSpareIsForkedWhileTheDiskHasNoRoomForOneAndTestsForkOnDemand() throws Exception {
        String base = base();
        long tooLittle = (TemplateBranchProvider.SPARE_DISK_RESERVE_MB - 1) * 1024 * 1024;
        TemplateBranchProvider shortOfDisk =
                TestServers.providerWithFreeDisk(SERVER.get(), "prefetchertests", tooLittle);
        try (Prefetcher starved = plain(shortOfDisk)) {
            Prefetcher.Forked first = starved.take(base, 2, "first");
            Prefetcher.Forked second = starved.take(base, 2, "second");
            Thread.sleep(300); // as long as a spare would need to show

            assertThat(spares()).isEmpty();
            assertThat(query(first.name(), "SELECT current_database()")).isEqualTo(first.name());
            assertThat(query(second.name(), "SELECT current_database()")).isEqualTo(second.name());
            shortOfDisk.delete(first.name());
            shortOfDisk.delete(second.name());
        } finally {
            shortOfDisk.close();
        }

        TemplateBranchProvider roomy =
                TestServers.providerWithFreeDisk(SERVER.get(), "prefetchertests", Long.MAX_VALUE / 4);
        try (Prefetcher prefetching = plain(roomy)) {
            roomy.delete(prefetching.take(base, 2, "first").name());
            assertThat(awaitSpares(2)).as("with room on the disk").hasSize(2);
        } finally {
            roomy.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void forksABasesFirstSparesOneAfterTheOtherSoThatTheFirstIsReadyAsSoonAsOneForkAllows() throws Exception {
        CountingForks counting = new CountingForks();
        try (Prefetcher prefetching = plain(counting)) {
            counting.delete(prefetching.take(base(), 2, "first").name());
            assertThat(awaitSpares(2)).hasSize(2);

            assertThat(counting.mostAtOnce).as("spares forked at the same time").hasValue(1);
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aCostlyBasesFirstSparesWaitForThePauseWhileTheFirstTestStartsUnlessATestWaitsForOne() throws Exception {
        String base = base();
        CountingForks counting = new CountingForks();
        counting.costly.set(true); // a small base's first spare is forked beside the first test's branch, unpaused
        try (Prefetcher prefetching = new Prefetcher(
                counting, NAMES, Optional.of(false), null, new SpareWorkers(TimeUnit.HOURS.toMillis(1)))) {
            counting.delete(prefetching.take(base, 2, "first").name());
            Thread.sleep(1000); // without the pause, a fork starts well within this
            assertThat(counting.mostAtOnce)
                    .as("spares forked while the first test starts")
                    .hasValue(0);

            Prefetcher.Forked second = prefetching.take(base, 2, "second"); // waits for a spare: the pause ends

            assertThat(counting.mostAtOnce)
                    .as("spares forked once a test waits")
                    .hasPositiveValue();
            counting.delete(second.name());
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aSmallBasesFirstSpareIsForkedBesideTheFirstTestsBranchWithoutWaitingForThePause() throws Exception {
        String base = base(); // a few MB, which the embedded server's provider forks cheaply
        BesideForks beside = new BesideForks();
        try (Prefetcher prefetching =
                new Prefetcher(beside, NAMES, Optional.of(false), null, new SpareWorkers(TimeUnit.HOURS.toMillis(1)))) {
            Prefetcher.Forked first = prefetching.take(base, 2, "first");

            assertThat(beside.spareForkedBeside)
                    .as("a spare's fork started while the first test's branch was being forked")
                    .isTrue();
            beside.delete(first.name());
        } finally {
            beside.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aSpareAnEarlierRunKeptGetsNoSpareForkedBesideIt() throws Exception {
        // Taking a kept spare is a rename, which no copy beside it would hide behind: the first spare waits for the
        // workers' pause, as after any branch that needed no fork.
        String base = base();
        KeptSpareForks kept = new KeptSpareForks();
        try (Prefetcher prefetching =
                new Prefetcher(kept, NAMES, Optional.of(false), null, new SpareWorkers(TimeUnit.HOURS.toMillis(1)))) {
            Prefetcher.Forked first = prefetching.take(base, 2, "first");

            assertThat(kept.takenKept).as("the kept spare").isTrue();
            assertThat(first.restorable())
                    .as("no new fork, which restores start from")
                    .isFalse();
            assertThat(kept.spareForkedBeside)
                    .as("no spare's fork started while the kept spare was taken")
                    .isFalse();
            assertThat(kept.spareStarted.getCount()).as("nor within the pause").isEqualTo(1);
            kept.delete(first.name());
        } finally {
            kept.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aFirstForkOnDemandThatFailsLetsTheSpareHeldBackForItsBranchGo() throws Exception {
        String base = base();
        CountingForks counting = new CountingForks();
        counting.failOnDemand.set(true);
        try (Prefetcher restoring = restoringAtOnce(counting)) {
            assertThatThrownBy(() -> restoring.take(base, 2, "first")).isInstanceOf(ProviderException.class);

            assertThat(awaitSpares(2))
                    .as("both first spares: none is held back for a branch that will never come back")
                    .hasSize(2);
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void forksTwoSparesAtOnceSoThatFastTestsDoNotOutrunOneForkAtATime() throws Exception {
        String base = base();
        CountingForks counting = new CountingForks();
        try (Prefetcher prefetching = plain(counting)) {
            counting.delete(prefetching.take(base, 2, "first").name());
            assertThat(awaitSpares(2)).hasSize(2);
            counting.meet.set(true); // each fork from now on waits until two have started

            counting.delete(prefetching.take(base, 2, "second").name());
            counting.delete(prefetching.take(base, 2, "third").name());
            assertThat(awaitSpares(2)).hasSize(2);

            assertThat(counting.mostAtOnce).as("spares forked at the same time").hasValue(2);
        } finally {
            counting.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void whenNoSpareIsReadyYetATestTakesTheOneReadyFirst() throws Exception {
        String base = base();
        HeldForks held = new HeldForks();
        Prefetcher prefetching = plain(held);
        try {
            List<String> forking = new ArrayList<>();
            CompletableFuture<Prefetcher.Forked> fourth =
                    fourthWaitingForTwoHeldForks(base, held, prefetching, forking);
            held.letGo(forking.get(1)); // the later one; the earlier one stays held until the end of the test
            Prefetcher.Forked taken = fourth.get(20, TimeUnit.SECONDS);

            assertThat(taken.name()).isEqualTo(forking.get(1) + "_fourth");
            held.delete(taken.name());
        } finally {
            held.letGoAll(); // before the close, which waits for the forks under way
            prefetching.close();
            held.close();
        }
        assertThat(spares()).isEmpty();
    }

    @Test
    void aSpareThatCouldNotBeForkedMakesWayForOneStillBeingForked() throws Exception {
        String base = base();
        HeldForks held = new HeldForks();
        Prefetcher prefetching = plain(held);
        try {
            List<String> forking = new ArrayList<>();
            CompletableFuture<Prefetcher.Forked> fourth =
                    fourthWaitingForTwoHeldForks(base, held, prefetching, forking);
            held.fail(forking.get(0)); // the one asked for first fails; the test keeps waiting for the other
            Thread.sleep(200);
            held.letGo(forking.get(1));
            Prefetcher.Forked taken = fourth.get(20, TimeUnit.SECONDS);

            assertThat(taken.name()).as("not forked on demand").isEqualTo(forking.get(1) + "_fourth");
            held.delete(taken.name());
        } finally {
            held.letGoAll();
            prefetching.close();
            held.close();
        }
        assertThat(spares()).isEmpty();
    }

    /**
     * Takes three branches of {@code base}, the last two while every fork is held, then a fourth on a thread of its
     * own, which waits since no spare is ready; {@code forking} gets the names of the two spares held.
     */
    private static CompletableFuture<Prefetcher.Forked> fourthWaitingForTwoHeldForks(
            String base, HeldForks held, Prefetcher prefetching, List<String> forking) throws Exception {
        held.delete(prefetching.take(base, 2, "first").name());
        assertThat(awaitSpares(2)).hasSize(2);
        held.hold.set(true); // each fork from now on waits until it is let go
        held.delete(prefetching.take(base, 2, "second").name());
        held.delete(prefetching.take(base, 2, "third").name());
        forking.addAll(held.awaitHeld(2));
        CompletableFuture<Prefetcher.Forked> fourth = new CompletableFuture<>();
        Thread taking = new Thread(() -> fourth.complete(prefetching.take(base, 2, "fourth")), "fourth");
        taking.start();
        awaitWaiting(taking);
        return fourth;
    }

    /** Waits until {@code thread} waits, at most 30 s. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (thread.getState() != Thread.State.TIMED_WAITING
                && thread.getState() != Thread.State.WAITING
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** A provider whose spares, once {@code hold} is set, are forked only when the test lets each go. */
    private static final class HeldForks extends TemplateBranchProvider {
        final AtomicBoolean hold = new AtomicBoolean();
        final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
        final Set<String> failing = ConcurrentHashMap.newKeySet();

        HeldForks() {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
        }

        @Override
        public BranchConnection createSpare(String name, String source) {
            if (hold.get()) {
                CountDownLatch latch = held.computeIfAbsent(name, n -> new CountDownLatch(1));
                if (!hold.get()) { // let go of all while this one was being held
                    latch.countDown();
                }
                try {
                    latch.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (failing.contains(name)) {
                throw new ProviderException("Could not create branch " + name + ": failed on purpose", null);
            }
            return super.createSpare(name, source);
        }

        /** Lets the fork of {@code name} go, and has it fail. */
        void fail(String name) {
            failing.add(name);
            letGo(name);
        }

        /** The names of the first {@code count} forks held, in the order they were asked for. */
        List<String> awaitHeld(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (held.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return held.keySet().stream()
                    .sorted(Comparator.comparing(String::length).thenComparing(Comparator.naturalOrder()))
                    .toList();
        }

        void letGo(String name) {
            held.get(name).countDown();
        }

        void letGoAll() {
            hold.set(false);
            held.values().forEach(CountDownLatch::countDown);
        }
    }

    /** A provider whose forks on demand wait, 10 s at most, for a spare's fork to start. */
    private static final class BesideForks extends TemplateBranchProvider {
        final CountDownLatch spareStarted = new CountDownLatch(1);
        volatile boolean spareForkedBeside;

        BesideForks() {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
        }

        @Override
        public BranchConnection create(BranchRequest request) {
            try {
                spareForkedBeside = spareStarted.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return super.create(request);
        }

        @Override
        public BranchConnection createSpare(String name, String source) {
            spareStarted.countDown();
            return super.createSpare(name, source);
        }
    }

    /**
     * A provider whose base cache holds a spare an earlier run kept (a fork made when it is taken, standing for the
     * rename), and which notes whether a spare's fork starts while the kept one is taken.
     */
    private static final class KeptSpareForks extends TemplateBranchProvider {
        final CountDownLatch spareStarted = new CountDownLatch(1);
        volatile boolean spareForkedBeside;
        volatile boolean takenKept;

        KeptSpareForks() {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
        }

        @Override
        public Optional<BaseCache> baseCache() {
            return Optional.of(new BaseCache() {
                @Override
                public String obtain(Entry entry, Supplier<String> build) {
                    return build.get();
                }

                @Override
                public Optional<BranchConnection> takeKeptSpare(String base, String name) {
                    try {
                        spareForkedBeside = spareStarted.await(1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    takenKept = true;
                    return Optional.of(forkKept(name, base));
                }
            });
        }

        private BranchConnection forkKept(String name, String base) {
            return super.create(new BranchRequest(name, base, null, Kind.BRANCH));
        }

        @Override
        public BranchConnection createSpare(String name, String source) {
            spareStarted.countDown();
            return super.createSpare(name, source);
        }
    }

    /** A provider that counts the spares it is asked to claim. */
    private static final class CountingClaims extends TemplateBranchProvider {
        final AtomicInteger claims = new AtomicInteger();

        CountingClaims() {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
        }

        @Override
        public BranchConnection claim(String spare, String name) {
            claims.incrementAndGet();
            return super.claim(spare, name);
        }
    }

    /** A provider that counts the spares it forks at the same time, and can have each wait for a second one. */
    private static final class CountingForks extends TemplateBranchProvider {
        /** Whether it says that no fork is cheap, as for a large base on a plain-copy filesystem. */
        final AtomicBoolean costly = new AtomicBoolean();
        /** Whether its forks on demand fail. */
        final AtomicBoolean failOnDemand = new AtomicBoolean();

        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        /** How many spares it was asked to fork. */
        final AtomicInteger forked = new AtomicInteger();

        final AtomicBoolean meet = new AtomicBoolean();
        final CountDownLatch twoStarted = new CountDownLatch(2);

        CountingForks() {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
        }

        @Override
        public boolean forksCheaply(String source) {
            return !costly.get() && super.forksCheaply(source);
        }

        @Override
        public BranchConnection create(BranchRequest request) {
            if (failOnDemand.get() && request.kind() == Kind.BRANCH) {
                throw new ProviderException("Could not create branch " + request.name() + ": failed on purpose", null);
            }
            return super.create(request);
        }

        @Override
        public BranchConnection createSpare(String name, String source) {
            forked.incrementAndGet();
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (meet.get()) {
                    twoStarted.countDown();
                    twoStarted.await(60, TimeUnit.SECONDS); // one fork at a time never gets past this at once
                }
                return super.createSpare(name, source);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** A provider whose forks take {@code millis} longer, as those of a large base on a plain-copy filesystem do. */
    private static final class SlowForks extends TemplateBranchProvider {
        final AtomicInteger forks = new AtomicInteger();
        private final long millis;

        SlowForks(long millis) {
            super(TestServers.existingServer(SERVER.get()), TestServers.configuration("prefetchertests"), "template1");
            this.millis = millis;
        }

        @Override
        public boolean forksCheaply(String source) {
            return false; // as for a large base: its first spare is forked after the first test's branch
        }

        @Override
        public BranchConnection create(BranchRequest request) {
            slowly();
            return super.create(request);
        }

        @Override
        public BranchConnection createSpare(String name, String source) {
            slowly();
            return super.createSpare(name, source);
        }

        private void slowly() {
            forks.incrementAndGet();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Waits, for at most 30 s, until {@code prefetcher} has {@code expected} spares of {@code base} ready. */
    private static void awaitReady(Prefetcher prefetcher, String base, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (prefetcher.ready(base) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(prefetcher.ready(base)).as("spares of " + base + " ready").isEqualTo(expected);
    }

    /** Whether the database {@code name} exists. */
    private static boolean exists(String name) throws SQLException {
        return !list("SELECT datname FROM pg_database WHERE datname = '" + name + "'")
                .isEmpty();
    }

    /** Waits, for at most 30 s, until the database {@code name} is gone (renamed or dropped); whether it is. */
    private static boolean awaitGone(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (exists(name) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return !exists(name);
    }

    /** A sealed base with a table named after it. */
    private static String base() throws SQLException {
        String name = NAMES.base();
        SERVER.provider().create(new BranchRequest(name, "template1", null, Kind.BASE));
        try (Connection c = SERVER.get().connect(name);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE from_" + name + " ()");
        }
        SERVER.provider().seal(name);
        return name;
    }

    private static List<String> awaitSpares(int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> spares = spares();
        while (spares.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            spares = spares();
        }
        return spares;
    }

    /**
     * The branch of {@code base}, recorded as a test's but not handed to one yet, on which a session is open: a
     * spare connected ahead.
     */
    private static String awaitSessionOn(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> connected = list("SELECT DISTINCT datname FROM pg_stat_activity WHERE datname LIKE "
                    + "'lbj_prefetchertests%' AND backend_type = 'client backend'");
            for (String database : connected) {
                if (query(database, "SELECT count(*) FROM pg_class WHERE relname = 'from_" + base + "'")
                        .equals("1")) {
                    return database;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("No session was opened on a spare of " + base);
    }

    private void awaitNoSparesOf(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!sparesOf(base).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private void awaitSparesOf(String base, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sparesOf(base).size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** The spares on the server in the order they were asked for (by their counter: two are forked at once). */
    private static List<String> spares() throws SQLException {
        return list("SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database') = "
                + "'lakebase-junit run=prefetchertests kind=spare' ORDER BY length(datname), datname");
    }

    /**
     * The spares forked from {@code base}: those that have its one table. A spare that the prefetcher drops
     * between the listing and the look inside (to make room for another base's) is not one.
     */
    private static List<String> sparesOf(String base) throws SQLException {
        List<String> of = new ArrayList<>();
        for (String spare : spares()) {
            try {
                if (query(spare, "SELECT count(*) FROM pg_class WHERE relname = 'from_" + base + "'")
                        .equals("1")) {
                    of.add(spare);
                }
            } catch (SQLException e) {
                if (!beingDropped(e)) {
                    throw e;
                }
            }
        }
        return of;
    }

    /**
     * Whether {@code e} says that the database it was read from is gone or going: it does not exist (3D000), it is
     * invalid while its drop runs (55000), or the drop's {@code FORCE} ended the session reading it (57P01, or the
     * connection's end, 08xxx).
     */
    private static boolean beingDropped(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return state.equals("3D000") || state.equals("55000") || state.equals("57P01") || state.startsWith("08");
    }

    private static String comment(String database) throws SQLException {
        return list("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '" + database + "'")
                .get(0);
    }

    private static String query(String database, String sql) throws SQLException {
        try (Connection c = SERVER.get().connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> list(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
