package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.PointInTimeBranching;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider and everything built on it in this JVM: the parents the library builds, the migrated
 * bases, and the test branches forked from them. Shared by all test classes, engines and
 * EngineTestKit runs of the JVM whose configuration agrees, and closed when the JVM exits (or by {@link
 * #closeAll}). Usable outside JUnit (a command line), since everything it needs comes with the {@link
 * Configuration}.
 *
 * <pre>{@code
 * ManagedBranch branch = BranchService.fork(config,
 *         ForkRequest.branch(new BaseSpec("staging", List.of()), null, "my_branch", settings, null));
 * }</pre>
 */
public final class BranchService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BranchService.class);
    /** This JVM's run: recorded on every branch it creates, so that a later run can tell it is dead. */
    public static final String RUN_ID = RunIds.next();
    /** How many branches are dropped at once in the background, and at the end of a run. */
    private static final int DROP_THREADS = 2;
    /** How many ended test branches may wait to be dropped before a test ending drops its own. */
    private static final int DROP_BACKLOG = 4;

    private final String providerId;
    private final Map<String, Optional<String>> configuration;
    private final BranchProvider provider;
    private final BranchNames names;
    private final ConnectionBudget connectionBudget;
    private final Bases bases;
    /** Where the provider keeps bases, and a spare of each, from one run to the next. */
    private final Optional<BaseCache> cache;

    private final Prefetcher spares;
    /** Bases that integrations stage from a base (a Spring context's); dropped with the service if still there. */
    private final Set<String> staged = ConcurrentHashMap.newKeySet();
    /** Every branch whose drop has begun: each is dropped once, by whoever claims it first. */
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    /** Test branches being dropped off the tests' path. */
    private final Drops drops;

    /** The sweep of what dead runs left, under way beside the run's first fork; none until it starts. */
    private volatile StartupSweep sweep = StartupSweep.NONE;

    private volatile boolean closed;

    BranchService(String providerId, Configuration config, BranchProvider provider, BranchNames names) {
        this.providerId = providerId;
        this.provider = provider;
        this.names = names;
        this.cache = provider instanceof PersistentBases p ? p.baseCache() : Optional.empty();
        this.bases = new Bases(provider, names, cache);
        this.connectionBudget = new ConnectionBudget(
                provider.connectionLimit(),
                "Close connections when done with them, lower lakebase.pool.maximum-size, or let the server "
                        + "accept more connections (on the embedded server: lakebase.embedded.max-connections).");
        this.spares = new Prefetcher(
                provider, names, config.restoreInPlace(), BranchPool.in(connectionBudget), new SpareWorkers());
        this.configuration = config.readSoFar(); // after the last key the service reads, so that it agrees on all
        this.drops = new Drops(provider::delete, DROP_THREADS, DROP_BACKLOG);
    }

    Bases bases() {
        return bases;
    }

    /**
     * Starts the sweep of what dead runs left ({@link io.github.lakebase.junit.spi.SweepingProvider}) in the
     * background; called once, when the service is created. The run's first fork goes on beside it.
     */
    void startSweep(ClassLoader loader) {
        sweep = StartupSweep.start(provider, loader);
    }

    /** Waits until the sweep has ended, before a branch, a base or the provider is handed out. */
    void awaitSweep() {
        sweep.await();
    }

    ConnectionBudget connectionBudget() {
        return connectionBudget;
    }

    /** Whether this service is the one for {@code config}, a configuration of provider {@code id}. */
    boolean serves(String id, Configuration config) {
        return providerId.equals(id) && config.agreesWith(configuration);
    }

    /** Whether {@code name} is a base an integration staged on this service, still there. */
    boolean staged(String name) {
        return staged.contains(name);
    }

    /**
     * Forks a branch for {@code request}: from the request's source when it names one (a base an
     * integration staged), else from the migrated base of its spec, built first when it is the first
     * of its kind in the JVM.
     */
    ManagedBranch fork(ForkRequest request, Configuration config) {
        BaseSpec spec = request.base();
        String parentName = parentName(spec, config);
        String base = request.source() != null
                ? request.source()
                : request.unmigrated()
                        ? bases.parent(parentName, config)
                        : base(spec, parentName, request.asOf(), config);
        if (request.kind() == Kind.BRANCH) {
            // Bases never change once sealed (an integration's too: it hands out only sealed ones), so a branch
            // forked ahead of time is the one a fork now would give.
            int depth = request.asOf() == null ? config.prefetch(provider.defaultPrefetch()) : 0;
            Prefetcher.Forked branch = spares.take(base, depth, request.hint());
            return new ManagedBranch(
                    this, branch.name(), parentName, base, branch.connection(), request.settings(), branch.pool());
        }
        String name = provider.normalizeName(names.branch(request.hint()));
        if (request.kind() == Kind.BASE) {
            staged.add(name);
        }
        BranchConnection connection = provider.create(new BranchRequest(name, base, null, request.kind()));
        return new ManagedBranch(this, name, parentName, base, connection, request.settings());
    }

    String parentName(BaseSpec spec, Configuration config) {
        return spec.from().isEmpty() ? config.get(Configuration.FROM).orElse(provider.defaultParent()) : spec.from();
    }

    /** The migrated, sealed base for {@code spec}, built when it is the first of its kind in the JVM. */
    String base(BaseSpec spec, String parentName, Instant asOf, Configuration config) {
        Migrations.Plan plan = Migrations.plan(spec.migrations(), config);
        if (asOf != null && !(provider instanceof PointInTimeBranching)) {
            throw ProviderException.configuration("asOf = \"" + asOf + "\" needs point-in-time branching, which "
                    + "lakebase.provider=" + providerId + " does not support (" + provider.describe() + "): a "
                    + "template clone copies the parent as it is now. Remove asOf, or choose a provider that "
                    + "branches at a point in time.");
        }
        return bases.base(bases.parent(parentName, config), parentName, plan, asOf, config);
    }

    /**
     * Drops a branch that has ended, off the caller's path when the backlog allows; once only, also when
     * the service is closing at the same time (a Spring context closing at exit, say).
     */
    void destroy(String name) {
        if (!dropped.add(name)) {
            return; // the service's close has taken it
        }
        staged.remove(name);
        if (closed) {
            LOG.debug("Branch {} ended after its service closed; a later run's sweep removes it", name);
            return;
        }
        if (spares.giveBack(name)) {
            return; // restored in place in the background, for a later test
        }
        drops.drop(name); // a drop submitted while the service closes still runs before the provider closes
    }

    /**
     * Hands back an ended branch to be restored in place with its pool's connections open, for a later test.
     *
     * @return false when it is not taken: the caller ends the pool, and drops or keeps the branch
     */
    boolean giveBack(String name, BranchPool pool) {
        return !closed && spares.giveBack(name, pool);
    }

    /** At a run's end: waits for the ended branches to be dropped or restored, then reads the bases' reviews. */
    public static void awaitRunEnd() {
        List<BranchService> services = LiveServices.all();
        for (BranchService s : services) {
            s.spares.awaitGivenBack();
            s.drops.await();
        }
        services.forEach(s -> s.bases.publishReviews());
    }

    void seal(String name) {
        spares.notComingBack(name);
        provider.seal(name);
    }

    void reset(String name, String source) {
        spares.notComingBack(name); // a new fork now, of which nothing is noted
        provider.reset(name, source);
    }

    void requireTestBranch(String name, Connection connection) {
        provider.requireTestBranch(name, connection);
    }

    /** Keeps a branch and records why; returns when it expires, or empty when it stays until dropped. */
    Optional<Instant> keep(String name, KeptBranch kept) {
        spares.notComingBack(name);
        return provider.keep(name, kept);
    }

    /** Whether kept branches outlive this JVM. */
    boolean keepsBranchesAfterExit() {
        return provider.keepsBranchesAfterExit();
    }

    /** Whether the command line can reach a kept branch once this JVM has exited. */
    boolean reachableAfterExit() {
        return provider.keepsBranchesAfterExit() && provider instanceof BranchCatalog;
    }

    /**
     * Starts the provider for {@code config} in the background, unless it is live: for a launcher's discovery, or a
     * test class's {@code beforeAll} callback, so that the server starts while the class sets itself up. The first
     * {@link #fork} for the configuration waits for the start, and throws what it failed with. Never throws.
     *
     * @param config the configuration of the class
     * @param base the base its tests fork from, whose migrations are read in the background too; null for none
     */
    public static void startEarly(Configuration config, BaseSpec base) {
        LiveServices.startEarly(config, base);
    }

    /**
     * Closes the services of this copy of the library (its class loader's) now, rather than as the JVM exits, and
     * waits for them: for a tool that ends this copy of the library before another copy in the same JVM starts (the
     * Maven plugin's goals in the next module of a build), which would otherwise find the files this one locks
     * taken. A later use starts the services again.
     */
    public static void closeAll() {
        LiveServices.closeAll();
    }

    /**
     * The provider for {@code config} (read as a test's is), started and swept on first use and closed when the JVM
     * exits: for tools outside tests, such as the command line, which reach branches through its capabilities.
     */
    public static BranchProvider provider(Configuration config) {
        BranchService service = LiveServices.obtain(config);
        service.awaitSweep();
        return service.provider;
    }

    /**
     * The migrated, sealed base for {@code spec}, as a test's base is built: from the parent it names (else
     * {@code lakebase.from}, else the provider's default) with its migrations (else the configured ones),
     * reused when this JVM or a kept base has it already. For tools outside tests, which fork from it.
     *
     * @param config the configuration
     * @param spec the parent and migrations
     * @return the base's name and the parent's, as the user named it
     */
    public static Based base(Configuration config, BaseSpec spec) {
        BranchService service = LiveServices.obtain(config);
        String parent = service.parentName(spec, config);
        Based based = new Based(service.base(spec, parent, null, config), parent);
        service.awaitSweep();
        service.bases.publishReviews(); // no run's end comes: a tool reads the review now
        return based;
    }

    /** The sessions still connected to a branch; empty when the provider cannot tell. */
    List<String> openSessions(String name) {
        try {
            return provider.openSessions(name);
        } catch (RuntimeException e) {
            LOG.debug("Could not list the sessions of {}: {}", name, e.getMessage());
            return List.of();
        }
    }

    /**
     * Forks a branch on the service for {@code config}, or, from a base an integration staged, on the service
     * that staged it. When the fork fails because the server is gone (the embedded server was killed, say),
     * the dead service is dropped and a fork of a migrated base is tried once more on a new one, so that the
     * tests that follow get a working server.
     *
     * @param config the configuration of the test that asks
     * @param request what to fork
     * @return the new branch, which the caller closes
     * @throws ProviderException when the fork fails; {@link ProviderException#isConfigurationError()} tells
     *     a wrong configuration from a failure of the server
     */
    public static ManagedBranch fork(Configuration config, ForkRequest request) {
        // Spring keeps a context for the JVM, which may serve a later run's test under other settings, and so
        // of another service, on another server than the one its staged base is on.
        Optional<BranchService> staging = LiveServices.staging(request.source());
        if (staging.isEmpty() && LiveServices.starting() && !LiveServices.live(config)) {
            MigrationsDigest.readAhead(request, config); // while the server starts
        }
        BranchService service = staging.orElseGet(() -> LiveServices.obtain(config));
        // A source lived on the dead server: whoever staged it must start over.
        return LiveServices.onLive(service, config, request.source() == null, s -> s.fork(request, config));
    }

    /**
     * Forks a base for an integration to stage ({@code request} of kind {@code BASE}), kept across runs after
     * {@code work} where the provider keeps bases; tried once more on a new service as {@link #fork} is.
     *
     * @param config the configuration of the test that asks
     * @param request what to fork
     * @param work what the integration runs on the base before sealing it, or {@code null}
     * @return the staged base
     * @throws ProviderException when the fork fails
     */
    public static Staging stage(Configuration config, ForkRequest request, StartupWork work) {
        return LiveServices.onLive(
                LiveServices.obtain(config), config, true, service -> Staging.open(service, request, work, config));
    }

    /**
     * Ends this service, whose server is gone: what it has not dropped is left to a later run's sweep. A sweep under
     * way is not waited for (on a server that does not answer, each connection would time out); it fails once the
     * provider is closed.
     */
    void abandon() {
        bases.publishReviews(); // each says that it could not be read: the server is gone
        try {
            spares.close();
        } catch (RuntimeException e) {
            LOG.debug("The spares on a dead provider are left to a later run's sweep: {}", e.getMessage());
        }
        drops.close(); // each drop fails at once on a dead server, and is left to a later run's sweep
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing a dead provider: {}", e.getMessage());
        }
        closed = true;
    }

    /** Whether the provider's server still answers. */
    boolean isAlive() {
        return provider.isAlive();
    }

    /**
     * Deletes the run's branches (those being dropped, then spares and staged bases), reads the bases' reviews left,
     * deletes the bases and parents, and closes the provider once its sweep has ended; on a server gone, it stops at
     * the first failure.
     */
    @Override
    public void close() {
        LiveServices.remove(this); // a closing service is handed to no one
        try {
            sweep.await();
            drops.await();
            Map<String, Spare.Left> left = spares.stop();
            if (!provider.keepsBranchesAfterExit()) {
                bases.publishReviews(); // while the bases are there
                return; // the server and all its databases go when the provider closes, in the finally below
            }
            List<String> leaves = KeptSpareOffers.offer(left, provider, cache, spares.restoring(), names);
            staged.stream().filter(dropped::add).forEach(leaves::add);
            Optional<String> failed = drops.dropAll(leaves);
            bases.publishReviews(); // once the branches are gone (a cloud project's slots), while the bases are there
            failed.ifPresent(failure -> {
                throw new ProviderException(failure, null);
            });
            for (String name : bases.runOwned()) {
                provider.delete(name);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not delete the spares, bases and parents of run {} on {} ({}); the next run's sweep "
                            + "removes them.",
                    RUN_ID,
                    provider.describe(),
                    e.getMessage());
        } finally {
            drops.close();
            provider.close();
            closed = true;
        }
    }

    /** The provider, for messages. */
    String describe() {
        return provider.describe();
    }
}
