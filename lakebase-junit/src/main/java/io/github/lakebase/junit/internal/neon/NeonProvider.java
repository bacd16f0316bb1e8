package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.spi.ProviderContext.KEPT_TTL;

import io.github.lakebase.junit.internal.neon.NeonApi.NeonBranch;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches of one Neon project: every base, parent and test branch is a real copy-on-write branch with an
 * {@code expires_at}, forked at a point in time when asked to ({@code parent_timestamp}), reached through
 * its read-write endpoint as the configured role, and reset by {@code restore} from the branch it was
 * forked from.
 *
 * <p>Only branches created by this provider in this run are ever reset, kept or deleted. While the run
 * lives, a heartbeat keeps extending their expiry, which is also the run's proof of life for the sweeps
 * of other runs ({@link NeonSweeper}); a run that dies leaves branches that expire by themselves within
 * {@code lakebase.neon.branch-ttl}, or sooner when a later run sweeps them.
 */
final class NeonProvider implements BranchProvider, PointInTimeBranching, SweepingProvider, CatalogOf {

    private static final Logger LOG = LoggerFactory.getLogger(NeonProvider.class);

    private final NeonSettings settings;
    private final NeonApi api;
    private final NeonCreation creation;
    private final BranchSlots slots;
    private final NeonSweeper sweeper;
    private final NeonCatalog catalog;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    /** Branch names of the project, by name, as far as they were looked up. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    /** Branches being deleted or reset, or about to be kept: the heartbeat leaves them alone. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Kept branches, and the branches they were forked from, with their expiry: never deleted by the run. */
    private final Map<String, Instant> kept = new ConcurrentHashMap<>();

    /** Runs the heartbeat. */
    private final ScheduledExecutorService background;
    /** Deletes the branches of failed creations, whose retries would otherwise hold up the heartbeat. */
    private final ScheduledExecutorService cleanup;

    private volatile String defaultParent;

    private NeonProvider(ProviderContext context, NeonSettings settings, NeonApi api) {
        this.settings = settings;
        this.api = api;
        this.slots = new BranchSlots(
                "Neon",
                NeonProviderFactory.MAX_BRANCHES,
                NeonProviderFactory.SLOT_TIMEOUT,
                settings.maxBranches(),
                settings.slotTimeout());
        this.sweeper = new NeonSweeper(api, context.names(), context.runId());
        this.background = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lakebase-junit-neon"));
        this.cleanup = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lakebase-junit-neon-cleanup"));
        this.creation = new NeonCreation(api, settings, cleanup);
        this.catalog = new NeonCatalog(api, settings, creation, sweeper, context.names(), context.runId());
        long every = Expiries.heartbeatInterval(settings.branchTtl(), NeonSweeper.MAX_HEARTBEAT)
                .toMillis();
        background.scheduleWithFixedDelay(this::extendAll, every, every, TimeUnit.MILLISECONDS);
    }

    static NeonProvider open(ProviderContext context, String apiKey) {
        NeonSettings settings = NeonSettings.of(context);
        NeonHttp http = new NeonHttp(settings.apiUrl(), apiKey, settings.pollInterval(), settings.operationTimeout());
        return new NeonProvider(context, settings, new NeonApi(http, settings));
    }

    @Override
    public String defaultParent() {
        String parent = defaultParent;
        if (parent == null) {
            parent = settings.defaultParent()
                    .map(p -> resolveParent(p)
                            .orElseThrow(() -> ProviderException.configuration(NeonProviderFactory.DEFAULT_PARENT + "='"
                                    + p + "' names no branch of project " + settings.project() + ".")))
                    .orElseGet(() -> api.branches().stream()
                            .filter(NeonBranch::isDefault)
                            .peek(b -> ids.put(b.name(), b.id()))
                            .map(NeonBranch::name)
                            .findFirst()
                            .orElseThrow(() -> ProviderException.configuration("Project " + settings.project()
                                    + " has no default branch; name the branch to fork from with "
                                    + NeonProviderFactory.DEFAULT_PARENT + ".")));
            defaultParent = parent;
        }
        return parent;
    }

    /** A parent by name, or by id ({@code br-...}); the name is what the library uses from then on. */
    @Override
    public Optional<String> resolveParent(String parent) {
        if (owned.containsKey(parent) || ids.containsKey(parent)) {
            return Optional.of(parent);
        }
        for (NeonBranch b : api.branches()) {
            if (b.name().equals(parent) || b.id().equals(parent)) {
                ids.put(b.name(), b.id());
                return Optional.of(b.name());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> knownParents() {
        List<String> names = new ArrayList<>(List.of(defaultParent()));
        for (NeonBranch b : api.branches()) {
            if (!names.contains(b.name()) && !sweeper.library(b.name())) {
                names.add(b.name());
            }
        }
        return names;
    }

    @Override
    public BranchConnection create(BranchRequest request) {
        String name = request.name();
        slots.acquire(name, request.kind());
        try {
            Instant expiry = Instant.now().plus(settings.branchTtl()).truncatedTo(ChronoUnit.SECONDS);
            NeonBranch branch = creation.create(name, idOf(request.source()), request.asOf());
            NeonApi.Login login = api.login(branch.id());
            owned.put(
                    name,
                    new Owned(branch.id(), request.kind(), request.source(), login, new AtomicReference<>(expiry)));
            creation.awaitLogin(name, login);
            LOG.debug("Created branch {} ({}) from {}", name, branch.id(), request.source());
            return BranchConnection.of(login.jdbcUrl(), login.user(), login.password());
        } catch (RuntimeException e) {
            owned.remove(name);
            slots.release(request.kind());
            creation.abandon(name);
            throw e;
        }
    }

    private String idOf(String name) {
        Owned mine = owned.get(name);
        if (mine != null) {
            return mine.id();
        }
        String id = ids.get(name);
        if (id == null) {
            resolveParent(name);
            id = ids.get(name);
        }
        if (id == null) {
            throw ProviderException.configuration(
                    "Neon project " + settings.project() + " has no branch named '" + name + "'.");
        }
        return id;
    }

    /**
     * Restores the branch to the head of the branch it was forked from ({@code restoreProjectBranch}): in
     * place, with the same id, endpoint and connection details. A restore keeps {@code expires_at} and locks
     * the branch while it runs, so no heartbeat extends it then: when less of its expiry is left than a
     * restore may take (its request's retries, then its operation, each up to
     * {@code lakebase.neon.operation-timeout}), it is extended first, by that or by {@code branch-ttl}, whichever
     * is longer.
     */
    @Override
    public void reset(String name, String source) {
        Owned branch = requireOwn(name);
        pause(name, branch);
        try {
            outlastRestore(name, branch);
            api.restore(branch.id(), idOf(source));
        } finally {
            busy.remove(name);
        }
        creation.awaitLogin(name, branch.login());
    }

    @Override
    public void delete(String name) {
        Owned branch = requireOwn(name);
        if (kept.containsKey(name)) {
            return; // a kept branch, or one a kept branch was forked from: it stays, and close() says so
        }
        pause(name, branch);
        try {
            api.deleteBranch(branch.id());
            owned.remove(name);
            slots.release(branch.kind());
        } finally {
            busy.remove(name);
        }
    }

    /** Takes a branch out of the heartbeat, after any extension of it under way. */
    private void pause(String name, Owned branch) {
        synchronized (branch) {
            busy.add(name);
        }
    }

    /**
     * Gives the branch, and the branches of this run it was forked from, the longest expiry up to
     * {@code lakebase.kept-ttl} that Neon accepts; they leave the heartbeat and stay when the run ends.
     */
    @Override
    public Optional<Instant> keep(String name) {
        Owned branch = requireOwn(name);
        List<String> sources = new ArrayList<>();
        for (Owned b = branch; b != null && owned.containsKey(b.source()); b = owned.get(b.source())) {
            sources.add(b.source());
        }
        pause(name, branch);
        sources.forEach(s -> pause(s, owned.get(s)));
        Instant start = Instant.now();
        Optional<Duration> longest = Expiries.longestAccepted(
                settings.keptTtl(), settings.branchTtl(), d -> api.trySetExpiry(branch.id(), start.plus(d)));
        if (longest.isEmpty()) {
            busy.remove(name);
            sources.forEach(busy::remove);
            kept.put(name, Instant.MIN); // stays when the run ends; the heartbeat extends it until then
            sources.forEach(s -> kept.putIfAbsent(s, Instant.MIN));
            LOG.warn(
                    "Neon refused every expiry longer than {} for kept branch {}: it is extended while this run lives, "
                            + "and expires within {} after it ends",
                    NeonProviderFactory.BRANCH_TTL,
                    name,
                    ProviderContext.formatDuration(settings.branchTtl()));
            return Optional.of(start.plus(settings.branchTtl()));
        }
        Instant until = start.plus(longest.get());
        kept.put(name, until);
        for (String source : sources) {
            Instant later = kept.merge(source, until, (a, b) -> a.isAfter(b) ? a : b);
            if (later.equals(until) && !api.trySetExpiry(owned.get(source).id(), until)) {
                LOG.warn("Could not give branch {}, which kept branches need, the expiry {}", source, until);
            }
            busy.remove(source); // the heartbeat leaves it alone for its kept expiry from now on
        }
        owned.remove(name);
        slots.release(branch.kind());
        LOG.info(
                "Branch {} is kept until {} ({}={}{}); delete it sooner when done",
                name,
                until,
                KEPT_TTL,
                ProviderContext.formatDuration(settings.keptTtl()),
                longest.get().equals(settings.keptTtl()) ? "" : ", shortened to what Neon accepts");
        return Optional.of(until);
    }

    private Owned requireOwn(String name) {
        Owned branch = owned.get(name);
        if (branch == null) {
            throw new ProviderException(
                    "Refusing to modify the Neon branch '" + name + "': it was not created by lakebase-junit in this "
                            + "run.",
                    null);
        }
        return branch;
    }

    /** Fails unless {@code name} is a test branch of this run and {@code connection} was opened to it. */
    @Override
    public void requireTestBranch(String name, Connection connection) {
        Owned branch = owned.get(name);
        String url;
        try {
            url = connection.getMetaData().getURL();
        } catch (SQLException e) {
            throw new ProviderException("Cannot tell where a connection leads: " + e.getMessage(), e);
        }
        if (branch == null
                || branch.kind() != Kind.BRANCH
                || !branch.login().jdbcUrl().equals(url)) {
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
        owned.forEach((name, branch) -> {
            synchronized (branch) {
                if (busy.contains(name) || kept.getOrDefault(name, Instant.MIN).isAfter(until)) {
                    return;
                }
                try {
                    extend(branch, until);
                } catch (RuntimeException e) {
                    if (!background.isShutdown()) {
                        LOG.warn(
                                "Could not extend the expiry of branch {} (it expires at the last one): {}",
                                name,
                                e.getMessage());
                    }
                }
            }
        });
    }

    @Override
    public String describe() {
        return "Neon project " + settings.project() + " at " + api.http().baseUrl();
    }

    /** Stops the heartbeat and deletes this run's branches, forks first, except those kept branches need. */
    @Override
    public void close() {
        background.shutdownNow();
        cleanup.shutdownNow();
        owned.forEach(this::pause);
        creation.deleteAbandoned();
        List<Map.Entry<String, Owned>> left = new ArrayList<>(owned.entrySet());
        left.sort(Comparator.comparing(e -> e.getValue().kind().ordinal(), Comparator.reverseOrder()));
        for (Map.Entry<String, Owned> e : left) {
            owned.remove(e.getKey());
            if (kept.containsKey(e.getKey())) {
                LOG.info("Left branch {}, which kept branches need", e.getKey());
                continue;
            }
            try {
                api.deleteBranch(e.getValue().id());
            } catch (RuntimeException failure) {
                LOG.warn("Could not delete branch {}: {}", e.getKey(), failure.getMessage());
            }
        }
    }

    /** Extends the expiry of a branch about to be restored when less of it is left than a restore may take. */
    private void outlastRestore(String name, Owned branch) {
        Duration restore = settings.operationTimeout().multipliedBy(2); // the request's retries, then the operation
        Instant now = Instant.now();
        if (branch.expiry().get().isAfter(now.plus(restore))) {
            return;
        }
        try {
            extend(branch, now.plus(restore.compareTo(settings.branchTtl()) > 0 ? restore : settings.branchTtl()));
        } catch (RuntimeException e) {
            LOG.warn("Could not extend the expiry of branch {} before its reset: {}", name, e.getMessage());
        }
    }

    private void extend(Owned branch, Instant until) {
        api.setExpiry(branch.id(), until);
        branch.expiry().set(until.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * A branch this provider created in this run: its id, kind, the branch it was forked from, its login, and
     * the earliest it can expire, by the expiry last set on it.
     */
    private record Owned(String id, Kind kind, String source, NeonApi.Login login, AtomicReference<Instant> expiry) {}
}
