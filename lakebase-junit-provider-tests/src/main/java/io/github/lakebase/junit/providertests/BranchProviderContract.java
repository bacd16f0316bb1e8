package io.github.lakebase.junit.providertests;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RenamableSpares;
import io.github.lakebase.junit.spi.SweepingProvider;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tests every {@link BranchProvider} passes: isolation, reset, naming, ownership, limits and
 * concurrency, and, for each optional capability the provider has, that capability. A provider's own
 * test class extends it and says how to create the provider; the suite creates several (two runs at
 * once, a run that dies), so they must share one server or service.
 *
 * <pre>{@code
 * class MyProviderContractTests extends BranchProviderContract {
 *     protected BranchProvider createProvider(ProviderContext context) {
 *         return new MyProviderFactory().create(context);
 *     }
 *
 *     protected Map<String, String> configuration() {
 *         return Map.of("lakebase.my-cloud.project", "contract-tests");
 *     }
 * }
 * }</pre>
 *
 * <p>Every test forks a base from {@link BranchProvider#defaultParent()} with a table of its own, and
 * cleans up what its run created. Capability tests are skipped, with the reason, for a provider
 * without the capability.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class BranchProviderContract {

    private static final AtomicInteger RUNS = new AtomicInteger();
    private final List<BranchProvider> open = new ArrayList<>();

    /**
     * Creates the provider under test for one run.
     *
     * @param context the run's configuration and identity
     * @return a new provider; the suite closes it
     */
    protected abstract BranchProvider createProvider(ProviderContext context);

    /**
     * The configuration every provider of the suite gets (where to find the server, say).
     *
     * @return configuration keys and values; empty by default
     */
    protected Map<String, String> configuration() {
        return Map.of();
    }

    /**
     * Makes a run die as a killed JVM would: it leaves its branches behind, and the sweeps of other runs
     * must be able to prove it dead. The default closes the provider, which suits a provider whose
     * {@code close()} leaves its branches and whose sweep proves a run dead by something a closed provider
     * gives up (a lock). A provider that deletes its branches when it closes, or proves a run dead by time
     * (a heartbeat that stopped), overrides this: it leaves the provider open (and closes it after the
     * test), and makes the service show the run's branches as not updated for long, as a fake can.
     *
     * <pre>{@code
     * protected void die(Run run) {
     *     fake.ageBranchesOf(run.context().runId(), Duration.ofMinutes(30));
     *     dying.add(run.provider());   // closed after the test
     * }
     * }</pre>
     *
     * @param run the run that dies; the suite no longer closes its provider
     */
    protected void die(Run run) {
        run.provider().close();
    }

    /**
     * Starts a new run: a provider with a run id of its own, closed after the test.
     *
     * @return the run
     */
    protected final Run startRun() {
        String runId = "contract" + RUNS.incrementAndGet() + Long.toString(System.nanoTime() % 46_656, 36);
        ContractContext context = new ContractContext(runId, configuration());
        BranchProvider provider = createProvider(context);
        open.add(provider);
        return new Run(provider, context);
    }

    @AfterEach
    final void closeProviders() {
        for (int i = open.size() - 1; i >= 0; i--) {
            BranchProvider provider = open.get(i);
            for (String name : provider.ownBranches()) {
                try {
                    provider.delete(name);
                } catch (ProviderException e) {
                    // closed already by the test, or the test is about to fail for a reason of its own
                }
            }
            provider.close();
        }
        open.clear();
    }

    @Test
    void aBranchStartsFromItsBaseAndIsIsolatedFromItsSiblings() throws Exception {
        Run run = startRun();
        String base = run.base();
        BranchConnection a = run.branch(base, "a");
        BranchConnection b = run.branch(base, "b");

        Rows.execute(a, "DELETE FROM contract_item");

        assertThat(Rows.count(a)).isZero();
        assertThat(Rows.count(b)).as("a sibling forked from the same base").isEqualTo(2);
        assertThat(Rows.count(run.branch(base, "c")))
                .as("a branch forked afterwards")
                .isEqualTo(2);
    }

    @Test
    void resetReturnsABranchToItsBaseUnderTheSameConnectionDetails() throws Exception {
        Run run = startRun();
        String base = run.base();
        String name = run.branchName("reset");
        BranchConnection branch = run.create(name, base, Kind.BRANCH);
        Rows.execute(branch, "DELETE FROM contract_item");

        run.provider().reset(name, base);

        assertThat(Rows.count(branch)).isEqualTo(2);
    }

    @Test
    void aDeletedBranchIsGoneAndForgotten() throws Exception {
        Run run = startRun();
        String name = run.branchName("deleted");
        BranchConnection branch = run.create(name, run.base(), Kind.BRANCH);
        assertThat(run.provider().ownBranches()).contains(name);

        run.provider().delete(name);

        assertThat(run.provider().ownBranches()).doesNotContain(name);
        assertThatThrownBy(() -> Rows.count(branch)).as("a connection to the deleted branch");
    }

    @Test
    void aRunNeverDeletesOrResetsWhatItDidNotCreate() {
        Run owner = startRun();
        Run other = startRun();
        String base = owner.base();
        String name = owner.branchName("owned");
        owner.create(name, base, Kind.BRANCH);
        BranchProvider stranger = other.provider();

        assertThatThrownBy(() -> stranger.delete(name)).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> stranger.reset(name, base)).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> stranger.delete(stranger.defaultParent())).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> owner.provider().delete(owner.provider().defaultParent()))
                .as("the parent")
                .isInstanceOf(ProviderException.class);
        assertThat(owner.provider().ownBranches()).contains(name);
    }

    @Test
    void onlyALiveTestBranchOfTheRunMayBeDamagedOnPurpose() throws Exception {
        Run run = startRun();
        Run other = startRun();
        String base = run.base();
        String name = run.branchName("target");
        BranchConnection branch = run.create(name, base, Kind.BRANCH);

        try (Connection c = branch.open()) {
            run.provider().requireTestBranch(name, c);
            assertThatThrownBy(() -> other.provider().requireTestBranch(name, c))
                    .as("another run")
                    .isInstanceOf(ProviderException.class);
            assertThatThrownBy(() -> run.provider().requireTestBranch(base, c))
                    .as("a base, or a connection that leads elsewhere")
                    .isInstanceOf(ProviderException.class);
        }
    }

    @Test
    void theRunsNamesAreAcceptedEvenWhenLong() throws Exception {
        Run run = startRun();
        String base = run.base();
        String hint = "aVeryLongTestMethodNameThatDescribesEverythingTheTestDoesInMuchDetail_" + "x".repeat(40);
        String first = run.branchName(hint);
        String second = run.branchName(hint);
        assertThat(first).hasSizeLessThanOrEqualTo(63).isNotEqualTo(second);

        BranchConnection a = run.create(first, base, Kind.BRANCH);
        BranchConnection b = run.create(second, base, Kind.BRANCH);

        assertThat(Rows.count(a)).isEqualTo(2);
        assertThat(Rows.count(b)).isEqualTo(2);
    }

    @Test
    void branchesForkedConcurrentlyAreDistinctAndUsable() throws Exception {
        Run run = startRun();
        String base = run.base();
        List<CompletableFuture<BranchConnection>> forks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = run.branchName("parallel");
            forks.add(CompletableFuture.supplyAsync(() -> run.create(name, base, Kind.BRANCH)));
        }
        for (CompletableFuture<BranchConnection> fork : forks) {
            BranchConnection branch = fork.get();
            Rows.execute(branch, "INSERT INTO contract_item VALUES (3, 'mine')");
            assertThat(Rows.count(branch)).isEqualTo(3);
        }
    }

    @Test
    void theLimitsAndTheDescriptionAreSane() {
        Run run = startRun();
        BranchProvider provider = run.provider();

        assertThat(provider.connectionLimit()).isGreaterThanOrEqualTo(2);
        assertThat(provider.defaultPrefetch()).isBetween(0, 16);
        assertThat(provider.isAlive()).isTrue();
        assertThat(provider.describe()).isNotBlank();
        String password =
                run.create(run.branchName("described"), run.base(), Kind.BRANCH).password();
        assertThat(provider.describe()).doesNotContain(password);
    }

    @Test
    void aClaimedSpareTakesItsTestsName() throws Exception {
        Run run = startRun();
        assumeTrue(run.provider() instanceof RenamableSpares, "the provider does not rename spares");
        RenamableSpares spares = (RenamableSpares) run.provider();
        String base = run.base();
        String spare = run.branchName("");
        spares.createSpare(spare, base);
        String claimed = run.provider().normalizeName(run.names().claimed(spare, "claimingTest"));

        BranchConnection branch = spares.claim(spare, claimed);

        assertThat(Rows.count(branch)).isEqualTo(2);
        assertThat(run.provider().ownBranches()).contains(claimed).doesNotContain(spare);
        try (Connection c = branch.open()) {
            run.provider().requireTestBranch(claimed, c);
        }
    }

    @Test
    void aPersistentBaseIsBuiltOnceForEveryRun() throws Exception {
        Run first = startRun();
        assumeTrue(first.provider() instanceof PersistentBases, "the provider keeps no bases across runs");
        BaseCache cache = ((PersistentBases) first.provider()).baseCache().orElse(null);
        assumeTrue(cache != null, "the provider's server does not outlive the run here");
        BaseCache.Entry entry = new BaseCache.Entry("base", "contract" + System.nanoTime(), "contract-slot");
        AtomicInteger builds = new AtomicInteger();

        String kept = cache.obtain(entry, () -> first.builtBase(builds));
        String again = cache.obtain(entry, () -> first.builtBase(builds));
        Run second = startRun();
        String fromAnotherRun = ((PersistentBases) second.provider())
                .baseCache()
                .orElseThrow()
                .obtain(entry, () -> second.builtBase(builds));

        assertThat(again).isEqualTo(kept);
        assertThat(fromAnotherRun).isEqualTo(kept);
        assertThat(builds).hasValue(1);
        assertThat(Rows.count(second.create(second.branchName("from_kept"), kept, Kind.BRANCH)))
                .isEqualTo(2);
    }

    @Test
    void aSpareKeptOfAPersistentBaseIsTakenOnceByALaterRun() throws Exception {
        Run first = startRun();
        assumeTrue(first.provider() instanceof PersistentBases, "the provider keeps no bases across runs");
        assumeTrue(first.provider() instanceof RenamableSpares, "the provider forks no spares");
        BaseCache cache = ((PersistentBases) first.provider()).baseCache().orElse(null);
        assumeTrue(cache != null, "the provider's server does not outlive the run here");
        BaseCache.Entry entry =
                new BaseCache.Entry("base", "contract-spare" + System.nanoTime(), "contract-spare-slot");
        AtomicInteger builds = new AtomicInteger();
        String kept = cache.obtain(entry, () -> first.builtBase(builds));
        String spare = first.branchName("");
        ((RenamableSpares) first.provider()).createSpare(spare, kept);
        assumeTrue(cache.keepSpare(spare, kept), "the provider keeps no spares across runs");
        assertThat(first.provider().ownBranches())
                .as("a kept spare is no run's")
                .doesNotContain(spare);

        Run second = startRun();
        Run third = startRun();
        BaseCache secondCache =
                ((PersistentBases) second.provider()).baseCache().orElseThrow();
        assertThat(secondCache.obtain(entry, () -> second.builtBase(builds))).isEqualTo(kept);
        String name = second.branchName("takes_the_spare");
        Optional<BranchConnection> taken = secondCache.takeKeptSpare(kept, name);

        assertThat(taken).as("the spare the first run kept").isPresent();
        assertThat(Rows.count(taken.get())).isEqualTo(2);
        assertThat(second.provider().ownBranches()).contains(name);
        try (Connection c = taken.get().open()) {
            second.provider().requireTestBranch(name, c);
        }
        BaseCache thirdCache = ((PersistentBases) third.provider()).baseCache().orElseThrow();
        assertThat(thirdCache.takeKeptSpare(kept, third.branchName("too_late")))
                .as("taken already")
                .isEmpty();
        assertThat(builds).hasValue(1);
    }

    @Test
    void aSweepDeletesWhatADeadRunLeftAndNothingElse() {
        Run dead = startRun();
        assumeTrue(dead.provider() instanceof SweepingProvider, "the provider does not sweep");
        Run alive = startRun();
        String deadBase = dead.base();
        String left = dead.branchName("left");
        String kept = dead.branchName("kept");
        dead.create(left, deadBase, Kind.BRANCH);
        dead.create(kept, deadBase, Kind.BRANCH);
        dead.provider().keep(kept);
        String living = alive.branchName("living");
        alive.create(living, alive.base(), Kind.BRANCH);
        open.remove(dead.provider());
        die(dead); // the run dies, leaving its branches

        List<String> swept = ((SweepingProvider) startRun().provider()).sweep();

        assertThat(swept).contains(left).doesNotContain(kept, living);
        assertThat(alive.provider().ownBranches()).contains(living);
    }

    @Test
    void theCatalogReachesAndDropsAKeptBranchFromAnotherRunAndNothingALiveRunUses() throws Exception {
        Run earlier = startRun();
        assumeTrue(earlier.provider() instanceof BranchCatalog, "the provider has no catalog of its branches");
        String base = earlier.base();
        String failed = earlier.branchName("failed");
        Rows.execute(earlier.create(failed, base, Kind.BRANCH), "DELETE FROM contract_item");
        Optional<Instant> until = earlier.provider()
                .keep(failed, new KeptBranch(KeptBranch.Reason.FAILED, "ContractTests#fails()", "", List.of()));
        String live = earlier.branchName("live");
        earlier.create(live, base, Kind.BRANCH);

        BranchCatalog catalog = (BranchCatalog) startRun().provider();

        assertThat(catalog.branches()).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo(failed);
            assertThat(e.kind()).isEqualTo("kept");
            // why it is kept, where the service can record it (a cloud service may have no label to keep it in)
            e.kept().ifPresent(k -> assertThat(k.reason()).isEqualTo(KeptBranch.Reason.FAILED));
            // as precisely as the service keeps an expiry (Neon's expires_at: seconds)
            assertThat(e.expires().isPresent()).isEqualTo(until.isPresent());
            e.expires().ifPresent(x -> assertThat(x).isCloseTo(until.orElseThrow(), within(1, ChronoUnit.SECONDS)));
        });
        assertThat(Rows.count(catalog.connect(failed)))
                .as("the failed test's data")
                .isZero();
        assertThatThrownBy(() -> catalog.connect(live)).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> catalog.drop(live)).isInstanceOf(ProviderException.class);
        catalog.drop(failed);
        assertThat(catalog.branches()).extracting(BranchCatalog.Entry::name).doesNotContain(failed);
        assertThat(earlier.provider().ownBranches()).contains(live);
    }
}
