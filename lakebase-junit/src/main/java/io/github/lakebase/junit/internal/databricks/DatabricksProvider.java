package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.spi.ProviderContext.KEPT_TTL;

import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.BranchStatusState;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.PointInTimeBranching;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.SweepingProvider;
import io.github.lakebase.junit.spi.cloud.BranchSlots;
import io.github.lakebase.junit.spi.cloud.CatalogOf;
import io.github.lakebase.junit.spi.cloud.Expiries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches of one Databricks Lakebase project: every base, parent and test branch is a real
 * copy-on-write branch with an expiry, forked at a point in time when asked to, reached through its
 * {@code primary} endpoint with a database credential as the password.
 *
 * <p>Only branches created by this provider in this run are ever reset, kept or deleted. While the run
 * lives, a heartbeat keeps extending their expiry, which is also the run's proof of life for the
 * sweeps of other runs ({@link Sweeper}); a run that dies leaves branches that expire by themselves
 * within {@code lakebase.databricks.branch-ttl}, or sooner when a later run sweeps them.
 */
final class DatabricksProvider implements BranchProvider, PointInTimeBranching, SweepingProvider, CatalogOf {

    private static final Logger LOG = LoggerFactory.getLogger(DatabricksProvider.class);

    private final DatabricksSettings settings;
    private final LakebaseApi api;
    private final String identity;
    private final BranchSlots slots;
    private final Sweeper sweeper;
    private final DatabricksCatalog catalog;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final Set<String> parents = ConcurrentHashMap.newKeySet();
    private final KeptBranches kept;
    /** Branches being deleted or reset: the heartbeat leaves them alone. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Kept branches (and their sources) that the workspace let live no longer than branch-ttl. */
    private final Set<String> keptWhileRunning = ConcurrentHashMap.newKeySet();
    /** Runs the heartbeat. */
    private final ScheduledExecutorService background;
    /** Deletes abandoned branches, whose retries would otherwise hold up the heartbeat. */
    private final ScheduledExecutorService cleanup;
    /** Branches whose creation failed, to delete once the service lets us. */
    private final AbandonedBranches abandoned;

    private volatile String defaultParent;

    private DatabricksProvider(ProviderContext context, DatabricksSettings settings, LakebaseApi api, String identity) {
        this.settings = settings;
        this.api = api;
        this.identity = identity;
        this.slots = new BranchSlots(
                "Lakebase",
                DatabricksProviderFactory.MAX_BRANCHES,
                DatabricksProviderFactory.SLOT_TIMEOUT,
                settings.maxBranches(),
                settings.slotTimeout());
        BranchIds ids = new BranchIds(context.branchPrefix());
        this.sweeper = new Sweeper(api, ids, context.runId());
        this.catalog = new DatabricksCatalog(api, settings, ids, sweeper, identity, context.runId());
        this.kept = new KeptBranches(api, settings);
        this.background = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lakebase-junit-heartbeat"));
        this.cleanup = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lakebase-junit-cleanup"));
        this.abandoned = new AbandonedBranches(api, settings, cleanup);
        long every = Expiries.heartbeatInterval(settings.branchTtl(), Sweeper.MAX_HEARTBEAT)
                .toMillis();
        background.scheduleWithFixedDelay(this::extendAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Connects to the project's workspace and checks who the run logs in as. */
    static DatabricksProvider open(ProviderContext context) {
        DatabricksSettings settings = DatabricksSettings.of(context);
        LakebaseApi api = new LakebaseApi(DatabricksAuth.client(context), settings);
        return new DatabricksProvider(context, settings, api, api.identity());
    }

    @Override
    public String defaultParent() {
        String parent = defaultParent;
        if (parent == null) {
            parent = settings.defaultParent()
                    .orElseGet(() -> api.branches().stream()
                            .filter(b -> b.getStatus() != null
                                    && Boolean.TRUE.equals(b.getStatus().getDefault()))
                            .map(Branch::getBranchId)
                            .findFirst()
                            .orElseThrow(
                                    () -> ProviderException.configuration("Project " + settings.project() + " has no "
                                            + "default branch; name the branch to fork from with "
                                            + DatabricksProviderFactory.DEFAULT_PARENT
                                            + ".")));
            defaultParent = parent;
        }
        return parent;
    }

    @Override
    public Optional<String> resolveParent(String parent) {
        String id = DatabricksSettings.branchId(parent);
        if (parents.contains(id) || owned.containsKey(id)) {
            return Optional.of(id);
        }
        Optional<Branch> branch = api.branch(id)
                .filter(b -> b.getStatus() == null || b.getStatus().getCurrentState() != BranchStatusState.DELETED);
        branch.ifPresent(b -> parents.add(id));
        return branch.map(b -> id);
    }

    @Override
    public List<String> knownParents() {
        List<String> names = new ArrayList<>(List.of(defaultParent()));
        for (Branch b : api.branches()) {
            if (!names.contains(b.getBranchId()) && !sweeper.library(b.getBranchId())) {
                names.add(b.getBranchId());
            }
        }
        return names;
    }

    @Override
    public String normalizeName(String name) {
        return BranchIds.normalize(name);
    }

    @Override
    public BranchConnection create(BranchRequest request) {
        String id = request.name();
        slots.acquire(id, request.kind());
        try {
            api.createBranch(id, () -> spec(request.source(), request.asOf()), b -> true);
            EndpointConnection connection = new EndpointConnection(api, settings, id, identity);
            owned.put(id, new Owned(request.kind(), connection, DatabricksSettings.branchId(request.source())));
            connection.awaitReady();
            LOG.debug(
                    "Created branch {} from {}{}",
                    id,
                    request.source(),
                    request.asOf() == null ? "" : " as of " + request.asOf());
            return connection;
        } catch (RuntimeException e) {
            owned.remove(id);
            abandoned.deleteLater(id);
            slots.release(request.kind());
            throw e;
        }
    }

    /**
     * A branch forked from {@code source} with an absolute expiry ({@code BranchSpec.expire_time}) of
     * {@code branch-ttl} from now, made anew for every attempt: {@code BranchSpec.ttl} counts from the
     * branch's creation time, so a ttl sent for a branch that has lived longer than it names a time already
     * past.
     */
    private BranchSpec spec(String source, Instant asOf) {
        BranchSpec spec = new BranchSpec()
                .setSourceBranch(settings.branchName(DatabricksSettings.branchId(source)))
                .setExpireTime(LakebaseApi.timestamp(Instant.now().plus(settings.branchTtl())));
        if (asOf != null) {
            spec.setSourceBranchTime(LakebaseApi.timestamp(asOf));
        }
        return spec;
    }

    @Override
    public void seal(String name) {
        requireOwn(name); // nobody connects to a base after its migrations; Lakebase has no read-only branch
    }

    /**
     * Deletes the branch for good and forks it anew from {@code source} under the same id. Lakebase has no
     * reset: {@code CreateBranchRequest.replaceExisting} only "updates the branch if it already exists" (its
     * spec; the data stays), so the branch is deleted with {@code DeleteBranchRequest.purge}, which frees
     * its id, and created again. The new branch has a new endpoint, whose host may differ: connections
     * opened afterwards go there.
     */
    @Override
    public void reset(String name, String source) {
        Owned branch = requireOwn(name);
        withoutHeartbeat(name, branch);
        try {
            String oldUid = api.branch(name).map(Branch::getUid).orElse(null);
            api.deleteBranch(name);
            branch.connection().endpointReplaced();
            api.createBranch(name, () -> spec(source, null), b -> !Objects.equals(b.getUid(), oldUid));
        } finally {
            busy.remove(name);
        }
        branch.connection().awaitReady();
    }

    @Override
    public void delete(String name) {
        Owned branch = requireOwn(name);
        if (kept.contains(name) || keptWhileRunning.contains(name)) {
            return; // a kept branch, or one a kept branch was forked from: it stays, and close() says so
        }
        withoutHeartbeat(name, branch);
        try {
            api.deleteBranch(name);
            owned.remove(name);
            slots.release(branch.kind());
        } finally {
            busy.remove(name);
        }
    }

    /**
     * Takes a branch out of the heartbeat before it is deleted, after any extension of it under way: an
     * update of a branch whose deletion has begun answers 404, and would only be noise.
     */
    private void withoutHeartbeat(String name, Owned branch) {
        synchronized (branch) {
            busy.add(name);
        }
    }

    /**
     * Stops extending the branch and gives it, and the branches it was forked from, the longest expiry up
     * to {@code lakebase.kept-ttl} that the workspace allows: sweeps leave branches with such an expiry
     * alone. Where the workspace allows no longer expiry than {@code branch-ttl}, the heartbeat goes on
     * extending the branch while the run lives.
     */
    @Override
    public Optional<Instant> keep(String name) {
        Owned branch = requireOwn(name);
        List<String> sources = sources(branch);
        List<String> all = new ArrayList<>(sources);
        all.add(name);
        for (String id : all) {
            Owned o = owned.get(id);
            synchronized (o) { // after any extension under way, and before the next, which now skips it
                kept.reserve(id);
            }
        }
        Optional<Instant> until = kept.keep(name, sources);
        all.forEach(kept::release);
        if (until.isPresent()) {
            owned.remove(name);
            slots.release(branch.kind());
            LOG.info("Branch {} is kept until {} ({}); delete it sooner when done", name, until.get(), KEPT_TTL);
            return until;
        }
        Instant soon = Instant.now().plus(settings.branchTtl());
        keptWhileRunning.add(name);
        keptWhileRunning.addAll(sources(branch));
        LOG.warn(
                "The workspace refused every expiry longer than {} for kept branch {}: it is extended while this "
                        + "run lives, and expires within {} after it ends",
                DatabricksProviderFactory.BRANCH_TTL,
                name,
                ProviderContext.formatDuration(settings.branchTtl()));
        return Optional.of(soon);
    }

    /** The branches of this run that a branch was forked from, nearest first. */
    private List<String> sources(Owned branch) {
        List<String> sources = new ArrayList<>();
        for (Owned b = branch; b != null && owned.containsKey(b.source()); b = owned.get(b.source())) {
            sources.add(b.source());
        }
        return sources;
    }

    private Owned requireOwn(String name) {
        Owned branch = owned.get(name);
        if (branch == null) {
            throw new ProviderException(
                    "Refusing to modify the Lakebase branch '" + name + "': it was not created by "
                            + "lakebase-junit in this run.",
                    null);
        }
        return branch;
    }

    /** Fails unless {@code name} is a test branch of this run and {@code connection} was opened to it. */
    @Override
    public void requireTestBranch(String name, java.sql.Connection connection) {
        Owned branch = owned.get(name);
        String url;
        try {
            url = connection.getMetaData().getURL();
        } catch (java.sql.SQLException e) {
            throw new ProviderException("Cannot tell where a connection leads: " + e.getMessage(), e);
        }
        if (branch == null
                || branch.kind() != Kind.BRANCH
                || !branch.connection().jdbcUrl().equals(url)) {
            throw new ProviderException(
                    "Refusing to modify '" + name + "': it is not a branch that " + describe()
                            + " created for a test in this run, or the connection leads elsewhere.",
                    null);
        }
    }

    @Override
    public List<String> ownBranches() {
        return List.copyOf(owned.keySet());
    }

    @Override
    public List<String> sweep() {
        return sweeper.sweep();
    }

    @Override
    public BranchCatalog catalog() {
        return catalog;
    }

    private void extendAll() {
        Instant until = Instant.now().plus(settings.branchTtl());
        for (Map.Entry<String, Owned> e : List.copyOf(owned.entrySet())) {
            extend(e.getKey(), e.getValue(), until);
        }
    }

    private void extend(String id, Owned branch, Instant until) {
        synchronized (branch) {
            if (kept.contains(id) || busy.contains(id) || !owned.containsKey(id) || background.isShutdown()) {
                return; // kept branches expire later than this; deleted ones never
            }
            try {
                api.setExpiry(id, until);
            } catch (RuntimeException e) {
                if (!background.isShutdown()) {
                    LOG.warn(
                            "Could not extend the expiry of branch {} (it expires at the last one): {}",
                            id,
                            e.getMessage());
                }
            }
        }
    }

    private void deleteQuietly(String id) {
        try {
            api.deleteBranch(id);
        } catch (RuntimeException e) {
            LOG.warn("Could not delete branch {}: {}", id, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "Databricks Lakebase project " + settings.project() + " at " + api.host() + " as " + identity;
    }

    /**
     * Stops the heartbeat and deletes what is left of this run's branches, forks before what they came from,
     * except kept branches and the branches they were forked from.
     */
    @Override
    public void close() {
        background.shutdownNow();
        cleanup.shutdownNow();
        owned.forEach(this::withoutHeartbeat);
        abandoned.deleteNow();
        List<Map.Entry<String, Owned>> left = new ArrayList<>(owned.entrySet());
        left.sort(Comparator.comparing(e -> e.getValue().kind().ordinal(), Comparator.reverseOrder()));
        for (Map.Entry<String, Owned> e : left) {
            String id = e.getKey();
            owned.remove(id);
            if (kept.contains(id) || keptWhileRunning.contains(id)) {
                LOG.info(
                        "Left branch {}, which kept branches need, until {}",
                        id,
                        kept.until(id).map(Instant::toString).orElse("it expires"));
            } else {
                deleteQuietly(id);
            }
        }
    }

    /** A branch this provider created in this run, and the branch it was forked from. */
    private record Owned(Kind kind, EndpointConnection connection, String source) {}
}
