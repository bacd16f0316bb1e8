package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base an integration stages (a Spring context's start-up runs on it): the branch it prepares, whether it was
 * forked from a base an earlier run kept after the same {@link StartupWork}, and what sealing it does besides
 * making it a template: keep a copy for later runs where the provider keeps bases, and tell the base listeners.
 *
 * <pre>{@code
 * Staging staging = BranchService.stage(config, ForkRequest.stagedParent("", "spring_context", settings), work);
 * migrate(staging.branch().dataSource());
 * staging.seal();
 * }</pre>
 */
public final class Staging {

    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final Bases bases;
    private final ManagedBranch branch;
    private final String parentName;
    private final List<String> migrations;
    private final Optional<BaseCache.Entry> entry;
    private final boolean reused;
    private final Configuration config;
    private final long start = System.nanoTime();
    private boolean sealed;

    /**
     * @param bases where a copy is kept
     * @param branch the staged base
     * @param request what it was forked for
     * @param work what the integration runs on it, or {@code null}
     * @param entry what it is kept as for later runs, if it can be kept
     * @param reused whether it was forked from a base an earlier run kept
     * @param config the configuration of the test that asked
     */
    Staging(
            Bases bases,
            ManagedBranch branch,
            ForkRequest request,
            StartupWork work,
            Optional<BaseCache.Entry> entry,
            boolean reused,
            Configuration config) {
        this.bases = bases;
        this.branch = branch;
        this.parentName = branch.parent();
        List<String> steps = new ArrayList<>(
                request.unmigrated() ? List.of() : request.base().migrations());
        steps.addAll(work == null ? List.of("the start-up of " + request.hint()) : work.steps());
        this.migrations = List.copyOf(steps);
        this.entry = entry;
        this.reused = reused;
        this.config = config;
    }

    /**
     * Forks a base to stage for {@code request} (of kind {@code BASE}) on {@code service}: from the base an
     * earlier run kept after the same {@code work} where there is one, else from the request's parent or
     * migrated base.
     */
    static Staging open(BranchService service, ForkRequest request, StartupWork work, Configuration config) {
        Bases bases = service.bases();
        String parentName = service.parentName(request.base(), config);
        String source = request.unmigrated()
                ? bases.parent(parentName, config)
                : service.base(request.base(), parentName, request.asOf(), config);
        Optional<BaseCache.Entry> entry =
                work == null ? Optional.empty() : entry(bases, source, parentName, request.hint(), work);
        Optional<String> kept = entry.flatMap(e -> findKept(bases, e, config));
        ManagedBranch branch = service.fork(request.from(kept.orElse(source)), config);
        if (work != null) { // the integration's work connects to it next: a Spring context's, half a second later
            branch.connectAhead();
        }
        return new Staging(bases, branch, request, work, entry, kept.isPresent(), config);
    }

    /**
     * What a base staged from {@code source} and prepared by {@code work} is kept as for later runs: empty where the
     * provider keeps nothing, or {@code source} is a database whose content the library cannot fingerprint.
     */
    private static Optional<BaseCache.Entry> entry(
            Bases bases, String source, String parentName, String hint, StartupWork work) {
        if (bases.cache().isEmpty()
                || !(source.equals(bases.provider().defaultParent())
                        || bases.kept().contains(source))) {
            return Optional.empty();
        }
        Fingerprint fingerprint =
                Fingerprint.of("staged").add("parent", source).add("hint", hint).add("context", work.context());
        work.steps().forEach(step -> fingerprint.add("step", step));
        work.inputs().forEach(fingerprint::add);
        return Optional.of(new BaseCache.Entry(
                "base",
                fingerprint.hex(),
                parentName + "|" + hint + "|" + work.context() + "|" + String.join(",", work.steps())));
    }

    /** The base kept for {@code entry} by an earlier run, unless this run builds kept bases again. */
    private static Optional<String> findKept(Bases bases, BaseCache.Entry entry, Configuration config) {
        if (config.getBoolean(Configuration.REBUILD_BASES, false)) {
            return Optional.empty();
        }
        Optional<String> found = bases.cache().orElseThrow().find(KeptSlots.inModule(entry, config));
        found.ifPresent(bases.kept()::add);
        return found;
    }

    /** Keeps a copy of the sealed base {@code staged} for later runs, as {@code entry}; returns the kept name. */
    private static String keepCopy(Bases bases, BaseCache.Entry entry, String staged, Configuration config) {
        return bases.keep(
                entry,
                () -> {
                    String name = bases.provider().normalizeName(bases.names().base());
                    bases.provider().create(new BranchRequest(name, staged, null, Kind.BASE));
                    try {
                        bases.provider().seal(name);
                        return name;
                    } catch (RuntimeException e) {
                        bases.deleteQuietly(name);
                        throw e;
                    }
                },
                config);
    }

    /** The staged base, usable until it is sealed. */
    public ManagedBranch branch() {
        return branch;
    }

    /** Whether it was forked from a base an earlier run kept after the same work: the work is done. */
    public boolean reused() {
        return reused;
    }

    /**
     * Makes the base a template; keeps a copy of it for later runs when it was built now and can be kept; tells the
     * base listeners. Later calls do nothing.
     */
    public void seal() {
        synchronized (this) {
            if (sealed) {
                return;
            }
            sealed = true;
        }
        branch.seal();
        Duration built = reused ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        if (!reused && entry.isPresent()) {
            try {
                String kept = keepCopy(bases, entry.get(), branch.name(), config);
                LOG.info("Kept staged base {} as {} for later runs: {}", branch.name(), kept, migrations);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Could not keep staged base {} for later runs ({}); the next run builds it again",
                        branch.name(),
                        e.getMessage());
            }
        }
        BaseEvents.publish(new BaseEvent(
                branch.name(),
                parentName,
                migrations,
                0,
                reused,
                built,
                List.of(),
                "",
                Optional.of("Migrated by " + String.join(", ", migrations) + " as the application started ("
                        + (reused ? "on a fork of the base an earlier run kept" : "built in this run")
                        + "): the migrations and the schema diff of a staged base are not read."),
                BaseEvent.IdempotencyCheck.NOT_ENABLED));
    }
}
