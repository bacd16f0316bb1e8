package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RenamableSpares;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link Prefetcher} does to one branch on a provider: forks a spare and makes it ready (its state
 * noted for restores, and a session opened on it ahead of its test where branches are restored in place),
 * hands a spare to a test (renamed after it, unless a session is open on it: such a spare keeps its name, and is
 * recorded as a test's branch as it is forked), forks a branch on demand, and drops what no test will take.
 *
 * <pre>{@code
 * SpareMaker maker = new SpareMaker(provider, names, Restoring.of(provider, naming, asked), pools);
 * Optional<Spare.Ready> ready = maker.fork(spare, created);    // empty: the disk has no room for it
 * Prefetcher.Forked branch = maker.claim(spare, ready.get(), "deletes_everything");
 * }</pre>
 *
 * <p>The first branch of a kept base forked on demand in a run is the spare an earlier run kept of it, where there
 * is one ({@link BaseCache#takeKeptSpare}): a rename instead of a copy of the base.
 *
 * <p>Thread-safe: it holds no state of its own beyond {@link SpareRoom}'s and the bases it asked a kept spare of.
 */
final class SpareMaker {

    private static final Logger LOG = LoggerFactory.getLogger(SpareMaker.class);
    /**
     * How long, in milliseconds, a fork on demand must have taken for its branch to be read for restores before its
     * test, where prefetching is on and its base has not been read: so long a fork is a large base copied (1 GB on a
     * journaled ext4: 250-285 ms on demand while its files are still in the page cache, 800 ms for the spare forked
     * after it while the disk writes the base back), and the next test would otherwise wait for that spare's fork
     * and read, where now it waits for a restore of this branch. A quicker fork leaves the read to the spare forked
     * beside its test: 10 MB and 100 MB bases forked on demand in 23-25 and 46-53 ms on the same disk, and reading
     * the 10 MB base's small tables on the test's path cost its first test 60-150 ms and saved the next one 5-15 ms.
     * The threshold lies between the two, with room on either side for a machine's noise.
     */
    static final long READ_FIRST_MILLIS = 150;

    private final BranchProvider provider;
    /** The provider's renaming of spares; null where it has none. */
    private final RenamableSpares naming;

    private final BranchNames names;
    /** Restores branches in place; null when that is off. */
    private final Restoring restoring;
    /** Makes a spare's pool; null when no spare is connected ahead. */
    private final BiFunction<String, BranchConnection, BranchPool> pools;
    /** Whether the disk has room for spares, said once per base until there is room again. */
    private final SpareRoom room;
    /** Where the spares that earlier runs kept of kept bases are; null where the provider keeps none. */
    private final BaseCache cache;
    /** The bases whose kept spare was asked for: once per base and run, by the first fork on demand. */
    private final Set<String> askedKept = ConcurrentHashMap.newKeySet();
    /** Per base, whether a fork of it is cheap ({@link #forksCheaply}). */
    private final Map<String, Boolean> cheap = new ConcurrentHashMap<>();

    /**
     * @param provider where spares are forked
     * @param names the run's names, for spares and the tests that claim them
     * @param restoring the provider's restores, null when branches are not restored in place
     * @param pools makes the pool of a spare (its name, how to connect to it); null to connect no spare ahead
     */
    SpareMaker(
            BranchProvider provider,
            BranchNames names,
            Restoring restoring,
            BiFunction<String, BranchConnection, BranchPool> pools) {
        this.provider = provider;
        this.naming = provider instanceof RenamableSpares n ? n : null;
        this.names = names;
        this.restoring = restoring;
        this.pools = pools;
        this.room = naming == null ? null : new SpareRoom(naming);
        this.cache = provider instanceof PersistentBases p ? p.baseCache().orElse(null) : null;
    }

    /**
     * Forks {@code spare} and settles it: ready, cancelled when the disk has no room for it, or failed.
     *
     * @param created completed once the spare's database exists, or will not
     */
    void forkAndSettle(Spare spare, CompletableFuture<Void> created) {
        long start = System.nanoTime();
        try {
            Optional<Spare.Ready> ready = fork(spare, () -> created.complete(null));
            if (ready.isPresent()) {
                LOG.debug(
                        "Spare {} of {} was forked ahead ({} ms)",
                        spare.name(),
                        spare.base(),
                        (System.nanoTime() - start) / 1_000_000);
                spare.forked().complete(ready.get());
            } else {
                spare.forked().cancel(false); // the test that takes it forks its branch on demand
            }
        } catch (RuntimeException e) {
            LOG.debug("Forking the spare {} of {} failed: {}", spare.name(), spare.base(), e.getMessage());
            spare.forked().completeExceptionally(e);
        } finally {
            created.complete(null);
        }
    }

    /**
     * Forks {@code spare}, completing {@code created} once its database exists, and makes it ready: its state
     * noted where branches are restored in place, and then, given pools, a session opened on it.
     *
     * @return the spare, ready; empty when the disk has no room for one (the test that takes it forks on demand)
     * @throws RuntimeException when it cannot be forked or made ready
     */
    Optional<Spare.Ready> fork(Spare spare, Runnable created) {
        if (naming != null && room.tooLittle(spare.base())) {
            return Optional.empty();
        }
        // A spare to be connected ahead is never renamed: recorded as a test's branch now, its test waits for no
        // claim's round trip (1-2 ms on each of a run's first spares, while the cores are busy with the next ones).
        BranchConnection connection = naming == null || connectsAhead()
                ? provider.create(new BranchRequest(spare.name(), spare.base(), null, Kind.BRANCH))
                : naming.createSpare(spare.name(), spare.base());
        created.run();
        try {
            boolean tracked = restoring != null && tracked(spare);
            return Optional.of(
                    tracked && connectsAhead()
                            ? connected(spare.name(), connection)
                            : new Spare.Ready(spare.name(), connection, tracked, null));
        } catch (RuntimeException | Error e) { // a spare not made holds no database
            delete(spare.name());
            throw e;
        }
    }

    /**
     * {@code spare}, tracked, with a pool that opens a session on it in the background: the test that takes it
     * waits for no rename (which that session would keep from running), and finds the session open, or being
     * opened, instead of opening one in its body (about 100 ms on a slow 2-core machine: the server process's
     * start, the login, and a new database's caches). Its branch comes back restored with the pool's sessions, as
     * every later one does. The session is readied for restores too ({@link Restoring#prepareSession}), so that the
     * spare's first restore, which the next test may wait for, is as quick as later ones. The spare is ready before
     * the session is open: a test that comes sooner never waits for it.
     */
    private Spare.Ready connected(String spare, BranchConnection connection) {
        BranchPool pool = pools.apply(spare, connection);
        try {
            pool.connectAhead(1, session -> restoring.prepareSession(spare, session));
        } catch (RuntimeException | Error e) {
            pool.end();
            throw e;
        }
        return new Spare.Ready(spare, connection, true, pool, true); // forked recorded: connected ahead
    }

    /** Whether a spare whose state is noted for restores gets a session opened on it ahead of its test. */
    private boolean connectsAhead() {
        return pools != null && restoring != null && restoring.restoresConnected();
    }

    /**
     * Notes a new spare's state for restores, reading it while its base has not been read, or when the provider
     * wants something of the base that only a read gives (the rows of a table a test changed).
     */
    private boolean tracked(Spare spare) {
        return !restoring.wantsRead(spare.base()) && restoring.trackFork(spare.name(), spare.base())
                || restoring.track(spare.name(), spare.base());
    }

    /**
     * Hands {@code spare} to the test {@code hint}: renamed after it where the provider renames spares and the
     * spare holds no session (which a rename would end); other providers keep its name.
     */
    Prefetcher.Forked claim(Spare spare, Spare.Ready ready, String hint) {
        if (naming == null) {
            return new Prefetcher.Forked(spare.name(), ready.connection(), false, null);
        }
        if (ready.pool() != null) { // restored with its pool's sessions, or connected ahead: never renamed
            if (ready.recorded() && provider.isStopped()) { // no round trip would tell: its test would fail
                throw new ProviderException(provider.describe() + " has stopped", null);
            }
            BranchConnection connection =
                    ready.recorded() ? ready.connection() : naming.claim(ready.name(), ready.name());
            return new Prefetcher.Forked(ready.name(), connection, true, ready.pool());
        }
        String name = provider.normalizeName(names.claimed(spare.name(), hint));
        return new Prefetcher.Forked(
                name, naming.claim(spare.name(), name), restoring != null && ready.tracked(), null);
    }

    /**
     * Restores {@code name}, a branch given back, in place as {@code spare}: with {@code pool}'s sessions open where it
     * can be (it keeps its name and pool), else renamed to the spare's name without a pool.
     *
     * @param pool the pool its test left, no connection of it in use; null for none
     * @return whether {@code spare} is ready; false when the branch could not be restored and was dropped, so that
     *     the spare is to be forked anew
     */
    boolean restore(String name, BranchPool pool, Spare spare) {
        if (pool != null) {
            if (restoring.restoreConnected(name, pool)) {
                spare.forked().complete(new Spare.Ready(name, pool.connection(), true, pool, true));
                return true;
            }
            pool.end();
        }
        Optional<BranchConnection> restored;
        try {
            restored = restoring.restore(name, spare.name());
        } catch (RuntimeException e) {
            LOG.debug("Branch {} could not be restored in place ({}); forking a new spare", name, e.getMessage());
            delete(name);
            return false;
        }
        if (restored.isEmpty()) {
            delete(spare.name());
            return false;
        }
        spare.forked().complete(new Spare.Ready(spare.name(), restored.get(), true, null));
        return true;
    }

    /**
     * A branch of {@code base} forked now, for the test {@code hint}; restorable where its state is known without
     * reading it, or, with {@code mayRead} (spares are forked, none of them beside this one), where the fork took
     * {@value #READ_FIRST_MILLIS} ms or more and so it is read now.
     */
    Prefetcher.Forked onDemand(String base, String hint, boolean mayRead) {
        long start = System.nanoTime();
        String name = provider.normalizeName(names.branch(hint));
        BranchConnection connection = provider.create(new BranchRequest(name, base, null, Kind.BRANCH));
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.debug("Branch {} was forked on demand ({} ms)", name, millis);
        boolean tracked = restoring != null
                && (restoring.trackFork(name, base)
                        || mayRead && millis >= READ_FIRST_MILLIS && restoring.track(name, base));
        return new Prefetcher.Forked(name, connection, tracked, null);
    }

    /**
     * The spare an earlier run kept of {@code base}, renamed for the test {@code hint}, at the run's first branch of
     * {@code base} only; not restorable: it is no new fork, whose state restores start from.
     */
    Optional<Prefetcher.Forked> kept(String base, String hint) {
        if (cache == null || !askedKept.add(base)) {
            return Optional.empty();
        }
        String name = provider.normalizeName(names.branch(hint));
        return takeKept(base, name).map(connection -> new Prefetcher.Forked(name, connection, false, null));
    }

    /**
     * Whether a spare of {@code base} may be forked beside a branch of it forked on demand ({@link
     * RenamableSpares#forksCheaply}), asked once per base; false where the provider cannot say, or fails to.
     */
    boolean forksCheaply(String base) {
        return cheap.computeIfAbsent(base, b -> {
            try {
                return naming != null && naming.forksCheaply(b);
            } catch (RuntimeException e) {
                LOG.debug("Could not tell whether a fork of {} is cheap: {}", b, e.getMessage());
                return false;
            }
        });
    }

    /**
     * The spare an earlier run kept of {@code base} ({@link BaseCache#takeKeptSpare}), as the branch {@code name};
     * empty where none is kept, or it cannot be taken.
     */
    private Optional<BranchConnection> takeKept(String base, String name) {
        try {
            return cache.takeKeptSpare(base, name);
        } catch (RuntimeException e) {
            LOG.debug("Could not take the spare an earlier run kept of {}: {}", base, e.getMessage());
            return Optional.empty();
        }
    }

    /** Drops {@code spare}, ending the pool it holds, if it was made. */
    void drop(Spare spare) {
        String name = spare.end();
        if (name != null) {
            delete(name);
        }
    }

    /** Ends {@code pool}, if any, and drops {@code name}: a branch given back that will be no spare. */
    void discard(String name, BranchPool pool) {
        if (pool != null) {
            pool.end();
        }
        delete(name);
    }

    /** Drops {@code name}, logging at debug level when it cannot be (a later run's sweep removes it). */
    void delete(String name) {
        try {
            provider.delete(name);
        } catch (RuntimeException e) {
            LOG.debug("Could not drop the branch {}: {}", name, e.getMessage());
        }
    }
}
