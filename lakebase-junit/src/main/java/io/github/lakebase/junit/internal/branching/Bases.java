package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parents the library builds and the migrated bases that test branches are forked from, for one
 * {@link BranchService}: each built once, however many tests ask at once, and never used half-built.
 *
 * <p>Where the provider keeps bases from one run to the next ({@link PersistentBases}), a base on the
 * provider's default parent or on a built parent, and a built parent, are found by a fingerprint of
 * what they are made of, and built only when nothing was kept for it. Other bases (on a database the
 * library cannot fingerprint, or at a point in time) belong to the run and are dropped at its end.
 *
 * <pre>{@code
 * String source = bases.parent("staging", config);
 * String base = bases.base(source, "staging", Migrations.plan(List.of("classpath:db/migration"), config), null, config);
 * }</pre>
 */
final class Bases {

    private static final Logger LOG = LoggerFactory.getLogger(Bases.class);

    private final BranchProvider provider;
    private final BranchNames names;
    private final Optional<BaseCache> cache;
    private final Memo<ParentDefinition.Key, String> parents = new Memo<>();
    private final Memo<BaseKey, String> bases = new Memo<>();
    /** Existing databases resolved as parents, asked of the server once per run; an unknown one is asked again. */
    private final Map<String, String> existing = new ConcurrentHashMap<>();
    /** How many migrations each base this run built took, for its event. */
    private final Map<String, Integer> applied = new ConcurrentHashMap<>();
    /** Parents and bases kept for later runs: they belong to no run. */
    private final Set<String> kept = ConcurrentHashMap.newKeySet();
    /** The reviews of bases that wait for the run's tests to be done. */
    private final LaterReviews later = new LaterReviews();

    Bases(BranchProvider provider, BranchNames names, Optional<BaseCache> cache) {
        this.provider = provider;
        this.names = names;
        this.cache = cache;
    }

    private record BaseKey(String source, Migrations.Identity plan, Instant asOf) {}

    /** The database to fork {@code parentName}'s bases from: a built parent, else an existing database. */
    String parent(String parentName, Configuration config) {
        Optional<ParentDefinition> definition = ParentDefinition.of(parentName, config);
        if (definition.isPresent()) {
            return parents.get(definition.get().key(), key -> buildParent(definition.get(), config));
        }
        return existing.computeIfAbsent(
                parentName,
                name -> provider.resolveParent(name).orElseThrow(() -> {
                    List<String> known = new ArrayList<>(provider.knownParents());
                    config.getList(Configuration.PARENTS).stream()
                            .filter(p -> !known.contains(p))
                            .forEach(known::add);
                    return ProviderException.configuration(
                            "Unknown parent '" + parentName + "' in @LakebaseBranch(from = \""
                                    + parentName + "\") or lakebase.from. Known parents: " + String.join(", ", known)
                                    + ". To build one for local runs, list it in lakebase.parents and give lakebase.parent."
                                    + parentName + ".scripts or .initializer.");
                }));
    }

    /** The sealed base with {@code plan}'s migrations applied to {@code source}, built on first use. */
    String base(String source, String parentName, Migrations.Plan plan, Instant asOf, Configuration config) {
        return bases.get(new BaseKey(source, plan.identity(), asOf), key -> {
            boolean keepable = cache.isPresent()
                    && asOf == null
                    && (source.equals(provider.defaultParent()) || kept.contains(source));
            Optional<MigrationsDigest> read =
                    keepable ? Optional.of(MigrationsDigest.of(plan, config)) : Optional.empty();
            Optional<ClassRoots> code = read.flatMap(MigrationsDigest::code);
            Optional<String> content =
                    read.flatMap(MigrationsDigest::digest).map(migrations -> Fingerprint.ofBase(source, migrations));
            AtomicReference<BaseEvent> built = new AtomicReference<>();
            String name = content.isEmpty()
                    ? timedBuild(key, plan, parentName, config, built)
                    : keep(
                            new BaseCache.Entry(
                                    "base", content.get(), parentName + "|" + String.join(",", plan.locations())),
                            () -> {
                                if (code.get().any()) {
                                    LOG.info(
                                            "The base of {} runs Java code: its fingerprint covers every file under {}, not "
                                                    + "classes elsewhere that the code calls, nor what it reads while it runs. "
                                                    + "Set {}=true to build kept bases again.",
                                            plan.locations(),
                                            code.get().paths(),
                                            Configuration.REBUILD_BASES);
                                }
                                return timedBuild(key, plan, parentName, config, built);
                            },
                            config);
            // A base that is ready passed the check if it was asked for: one that fails it is dropped, never kept.
            publish(
                    name,
                    source,
                    parentName,
                    plan,
                    asOf,
                    config,
                    built.get(),
                    plan.checked() ? BaseEvent.IdempotencyCheck.PASSED : BaseEvent.IdempotencyCheck.NOT_ENABLED);
            return name;
        });
    }

    /**
     * Tells the listeners of base {@code name}, with its review when the report is on, once the run's tests are done
     * ({@link LaterReviews}), so that no test waits for it: the review an earlier run kept of a kept base is read from
     * its file then, any other is read from the base. {@code built} is null for a base an earlier run kept.
     */
    private void publish(
            String name,
            String source,
            String parentName,
            Migrations.Plan plan,
            Instant asOf,
            Configuration config,
            BaseEvent built,
            BaseEvent.IdempotencyCheck idempotency) {
        Optional<KeptReviews> reviews = asOf == null ? KeptReviews.in(config) : Optional.empty();
        if (reviews.isEmpty()) {
            BaseEvents.publish(BaseReview.NONE.event(name, parentName, plan.locations(), built, idempotency));
            return;
        }
        boolean keptBase = kept.contains(name);
        Runnable review = () -> BaseEvents.publish(reviews.get()
                .stored(name, keptBase, built != null, source, parentName, plan.locations())
                .orElseGet(() -> reviews.get()
                        .read(
                                name,
                                keptBase,
                                source,
                                parentName,
                                plan.locations(),
                                () -> BaseReview.read(
                                        provider, names, source, name, parentName, plan, config.classLoader())))
                .event(name, parentName, plan.locations(), built, idempotency));
        // A base that failed its idempotency check is dropped, never kept: its review is read now.
        later.add(review, idempotency.status() == BaseEvent.IdempotencyCheck.Status.FAILED);
    }

    /** Reads the reviews of the bases ready so far, and tells their listeners; returns once they are told. */
    void publishReviews() {
        later.publish();
    }

    /** Builds a base, and records for the base's event how many migrations it took and how long. */
    private String timedBuild(
            BaseKey key,
            Migrations.Plan plan,
            String parentName,
            Configuration config,
            AtomicReference<BaseEvent> built) {
        long start = System.nanoTime();
        String name = buildBase(key, plan, parentName, config);
        built.set(new BaseEvent(
                name,
                parentName,
                plan.locations(),
                applied.getOrDefault(name, 0),
                false,
                Duration.ofNanos(System.nanoTime() - start)));
        return name;
    }

    private String buildParent(ParentDefinition definition, Configuration config) {
        // Everything that can be wrong with the definition is found before a database exists.
        ParentDefinition.Loaded loaded = definition.load(config.classLoader());
        if (cache.isEmpty()) {
            return buildParent(definition, loaded);
        }
        return keep(
                new BaseCache.Entry(
                        "parent",
                        loaded.fingerprint(provider.defaultParent(), config.classLoader()),
                        definition.name()),
                () -> buildParent(definition, loaded),
                config);
    }

    /** The kept database for {@code given}, in {@linkplain KeptSlots its module's slot}; built anew when asked. */
    String keep(BaseCache.Entry given, java.util.function.Supplier<String> build, Configuration config) {
        BaseCache.Entry entry = KeptSlots.inModule(given, config);
        String name = config.getBoolean(Configuration.REBUILD_BASES, false)
                ? cache.orElseThrow().rebuild(entry, build)
                : cache.orElseThrow().obtain(entry, build);
        kept.add(name);
        return name;
    }

    private String buildParent(ParentDefinition definition, ParentDefinition.Loaded loaded) {
        String name = provider.normalizeName(names.parent(definition.name()));
        LOG.info("Building parent '{}' as {}", definition.name(), name);
        BranchConnection connection =
                provider.create(new BranchRequest(name, provider.defaultParent(), null, Kind.PARENT));
        try {
            try (Connection c = connection.open()) {
                loaded.fill(c);
            }
            provider.seal(name);
            return name;
        } catch (SQLException | RuntimeException e) {
            deleteQuietly(name);
            if (e instanceof ProviderException p) {
                throw p;
            }
            throw new ProviderException("Building the parent '" + definition.name() + "' failed: " + e.getMessage(), e);
        }
    }

    private String buildBase(BaseKey key, Migrations.Plan plan, String parentName, Configuration config) {
        if (key.asOf() == null) {
            Optional<String> layered = plan.lower().flatMap(lower -> buildOn(lower, key, plan, parentName, config));
            if (layered.isPresent()) {
                return layered.get();
            }
        }
        String name = provider.normalizeName(names.base());
        long start = System.nanoTime();
        BranchConnection connection = provider.create(new BranchRequest(name, key.source(), key.asOf(), Kind.BASE));
        try {
            Migrations.Applied applied = Migrations.apply(connection, plan, config.classLoader(), parentName);
            provider.seal(name);
            this.applied.put(name, applied.count());
            checkIdempotency(name, key, parentName, plan, applied, config, start);
            LOG.info(
                    "Built base {} from '{}' with {} {} from {} ({}) in {} ms",
                    name,
                    parentName,
                    applied.count(),
                    plan.units(),
                    plan.locations(),
                    plan.liquibase()
                            .map(LiquibaseSettings::describe)
                            .orElseGet(() ->
                                    "Flyway settings from " + plan.flyway().describeSources()),
                    (System.nanoTime() - start) / 1_000_000);
            return name;
        } catch (RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
    }

    /**
     * The base of {@code plan} forked from the base of {@code lower} (its locations but the last, built first if
     * need be) and migrated forward, so that the lower base's migrations run once, whatever creates roles in
     * them; empty when that would not give what a build from the parent gives, or the lower base cannot be built.
     */
    private Optional<String> buildOn(
            Migrations.Plan lower, BaseKey key, Migrations.Plan plan, String parentName, Configuration config) {
        String layer;
        try {
            layer = base(key.source(), parentName, lower, null, config);
        } catch (ProviderException e) {
            LOG.info(
                    "Building the base of {} from '{}': that of {} failed",
                    plan.locations(),
                    parentName,
                    lower.locations());
            return Optional.empty();
        }
        String name = provider.normalizeName(names.base());
        long start = System.nanoTime();
        BranchConnection connection = provider.create(new BranchRequest(name, layer, null, Kind.BASE));
        try {
            Optional<String> refusal = ForwardMigration.refusal(connection, plan, config.classLoader());
            if (refusal.isPresent()) {
                LOG.info(
                        "Building the base of {} from '{}', not from base {} of {}: {}",
                        plan.locations(),
                        parentName,
                        layer,
                        lower.locations(),
                        refusal.get());
                deleteQuietly(name);
                return Optional.empty();
            }
            Migrations.Applied applied = Migrations.apply(connection, plan, config.classLoader(), parentName);
            provider.seal(name);
            this.applied.put(name, applied.count());
            checkIdempotency(name, key, parentName, plan, applied, config, start);
            LOG.info(
                    "Built base {} from base {} of {} on '{}' with {} more {} from {} in {} ms",
                    name,
                    layer,
                    lower.locations(),
                    parentName,
                    applied.count(),
                    plan.units(),
                    plan.locations(),
                    (System.nanoTime() - start) / 1_000_000);
            return Optional.of(name);
        } catch (RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
    }

    /**
     * When the configuration asks for it, applies the migrations {@code base} applied beyond its parent once more,
     * on a throwaway branch of it; a failure is told to the listeners, with what the base is, before it is dropped.
     */
    private void checkIdempotency(
            String base,
            BaseKey key,
            String parentName,
            Migrations.Plan plan,
            Migrations.Applied applied,
            Configuration config,
            long start) {
        if (!plan.checked() || applied.count() == 0) {
            return;
        }
        String name = provider.normalizeName(names.branch("idempotency"));
        BranchConnection throwaway = provider.create(new BranchRequest(name, base, null, Kind.BRANCH));
        Optional<Idempotency.Failure> failure;
        try {
            failure = Idempotency.check(throwaway, plan, applied, config.classLoader());
        } finally {
            deleteQuietly(name);
        }
        if (failure.isPresent()) {
            BaseEvent built = new BaseEvent(
                    base,
                    parentName,
                    plan.locations(),
                    applied.count(),
                    false,
                    Duration.ofNanos(System.nanoTime() - start));
            BaseEvent.IdempotencyCheck failed = BaseEvent.IdempotencyCheck.failed(
                    failure.get().migration(), failure.get().error());
            publish(base, key.source(), parentName, plan, key.asOf(), config, built, failed);
            throw Idempotency.error(failure.get(), base, applied.count(), plan);
        }
        LOG.info("The {} {} of base {} ran a second time without an error", applied.count(), plan.units(), base);
    }

    void deleteQuietly(String name) {
        try {
            provider.delete(name);
        } catch (RuntimeException e) {
            LOG.warn("Could not delete {}: {}", name, e.getMessage());
        }
    }

    BranchProvider provider() {
        return provider;
    }

    BranchNames names() {
        return names;
    }

    Optional<BaseCache> cache() {
        return cache;
    }

    /** The parents and bases kept for later runs, which belong to no run. */
    Set<String> kept() {
        return kept;
    }

    /** The bases and parents that belong to this run, to be deleted at its end: those not kept for later runs. */
    List<String> runOwned() {
        List<String> owned = new ArrayList<>(bases.built());
        owned.addAll(parents.built());
        owned.removeAll(kept);
        return owned;
    }
}
