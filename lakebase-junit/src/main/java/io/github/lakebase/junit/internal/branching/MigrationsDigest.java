package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a plan's migrations are made of, as a later run can check it when it finds a base kept for them: the class
 * path roots of the Java code they run ({@link ClassRoots}) and the digest of their files and settings ({@link
 * Fingerprint#ofMigrations}). Read once per run and plan, and, for a run's first test, while its server starts
 * ({@link #readAhead}): reading them (Flyway's configuration, every migration file, every file of the code's roots)
 * needs no server, and so need not wait for one.
 *
 * <pre>{@code
 * MigrationsDigest read = MigrationsDigest.of(plan, config);
 * Optional<String> key = read.digest().map(d -> Fingerprint.ofBase("template1", d));
 * }</pre>
 *
 * @param code the roots of the Java code the migrations run (none for Liquibase changelogs); empty when a location
 *     cannot be read here
 * @param digest the migrations' digest; empty when they cannot be read here (a cloud location, say)
 */
record MigrationsDigest(Optional<ClassRoots> code, Optional<String> digest) {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationsDigest.class);

    /** The digest of {@code plan}'s migrations, read on first use in the run of {@code config}. */
    static MigrationsDigest of(Migrations.Plan plan, Configuration config) {
        ClassLoader loader = config.classLoader();
        return config.perRun(new Key(plan.identity(), loader), () -> readNow(plan, loader));
    }

    /**
     * Plans {@code request}'s migrations and reads them ({@link #of}), when it forks a migrated base: what the fork of
     * a base that may have been kept does first once the server is up, done by a test that waits for a server that
     * starts in the background ({@link BranchService#fork}). Where the provider keeps no bases the digest goes unused,
     * read in time the test waited anyway. The reading runs on a copy of {@code config} ({@link Configuration#unread}),
     * so that a service created with {@code config} afterwards is not told of keys only the reading read. A failure
     * is left for the fork to meet again, after the server's, as it would without this.
     */
    static void readAhead(ForkRequest request, Configuration config) {
        if (request.source() == null && !request.unmigrated() && request.asOf() == null) {
            readAhead(request.base(), config, Migrations::plan, "while the server starts");
        }
    }

    /**
     * Reads the migrations of {@code base} ahead ({@link #readAhead(ForkRequest, Configuration)}) in a daemon thread,
     * with the caller's context class loader, once per run and declaration: from a test class's first callback, so
     * that they are read beside JUnit's own work and the server's start, and its first test finds them read. That is
     * before the class's {@code @BeforeAll} methods, which may yet set the tools' settings (system properties): the
     * plan made here is not kept ({@link Migrations#planAfresh}), and the digest is kept by what the plan is, so
     * that the first fork, which plans on its own, uses it only when its plan came out the same. Never throws.
     *
     * @param base the base of the branches the class declares for its tests
     * @param config the class's configuration
     */
    static void readAheadInBackground(BaseSpec base, Configuration config) {
        AtomicBoolean first = new AtomicBoolean();
        config.perRun(new Started(base.migrations(), config.classLoader()), () -> first.compareAndSet(false, true));
        if (!first.get()) {
            return; // an earlier class of the run started it
        }
        try {
            Thread reading = DaemonThreads.named("lakebase-junit-read-ahead")
                    .newThread(() ->
                            readAhead(base, config, Migrations::planAfresh, "from a test class's first callback"));
            reading.setContextClassLoader(Thread.currentThread().getContextClassLoader());
            reading.start();
        } catch (RuntimeException | Error e) { // no thread to be had: the first fork reads them, as without this
            LOG.debug("Could not read the migrations {} ahead: {}", base.migrations(), e.toString());
        }
    }

    /** That a run has begun reading a declaration's migrations in the background. */
    private record Started(List<String> declared, ClassLoader loader) {}

    private static void readAhead(
            BaseSpec base,
            Configuration config,
            BiFunction<List<String>, Configuration, Migrations.Plan> planning,
            String when) {
        long start = System.nanoTime();
        Configuration ahead = config.unread();
        try {
            Migrations.Plan plan = planning.apply(base.migrations(), ahead);
            FlywayAhead.planned(plan, config.classLoader()); // a server that starts empty builds with it soon
            of(plan, ahead);
            LOG.debug(
                    "Read the migrations {} {} ({} ms)",
                    base.migrations(),
                    when,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError | ServiceConfigurationError | AssertionError e) {
            LOG.debug("Could not read the migrations {} ahead: {}", base.migrations(), e.toString());
        }
    }

    private static MigrationsDigest readNow(Migrations.Plan plan, ClassLoader loader) {
        Optional<ClassRoots> code = plan.liquibase().isPresent()
                ? Optional.of(new ClassRoots(List.of()))
                : ClassRoots.of(plan.locations(), plan.flyway().javaClasses(), loader);
        return new MigrationsDigest(code, code.flatMap(roots -> Fingerprint.ofMigrations(plan, roots, loader)));
    }

    /** What the digest depends on: the plan's content ({@link Migrations.Plan#identity()}) and the class path. */
    private record Key(Migrations.Identity identity, ClassLoader loader) {}
}
