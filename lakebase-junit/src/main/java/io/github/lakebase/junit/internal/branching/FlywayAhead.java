package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.WeakHashMap;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway, loaded in the background while a server that starts empty starts, for a run whose migrations are Flyway's.
 * A server starts empty ({@link io.github.lakebase.junit.spi.ProviderContext#serverStartsEmpty}) on a new cluster,
 * which holds no base an earlier run kept: the run's first test builds its base as soon as the server is up. Flyway's
 * first configuration in a JVM loads and initializes its classes: 590-615 ms in a new JVM on a 2-core machine,
 * against 18-40 ms for the next one (a program of its own, three runs; {@code docs/performance.md}, "Cold starts").
 * Loaded meanwhile, the base's build finds it loaded. The load begins once both are known: that the server starts
 * empty, and that the run's migrations are Flyway locations: as a launcher's discovery finds the first test class that
 * declares migrations, or as the first are planned (read ahead at a test class's first callback, or by its first
 * test while the server starts). A run on a server that keeps what earlier runs built, or that
 * migrates with Liquibase, loads nothing ahead.
 *
 * <pre>{@code
 * config.whenServerStartsEmpty(() -> FlywayAhead.serverStartsEmpty(config.classLoader()));
 * FlywayAhead.planned(plan, config.classLoader()); // as the migrations are read ahead
 * }</pre>
 */
public final class FlywayAhead {

    private static final Logger LOG = LoggerFactory.getLogger(FlywayAhead.class);

    /** What is known for each class loader of tests (a JVM's tests have one). */
    private static final Map<ClassLoader, State> STATES = new WeakHashMap<>();

    private FlywayAhead() {}

    /**
     * Notes that a server whose tests load classes through {@code loader} starts empty: Flyway loads now if the run's
     * migrations are known to be Flyway's ({@link #declared}, {@link #planned}), else once they are.
     */
    static void serverStartsEmpty(ClassLoader loader) {
        note(loader, true, null);
    }

    /**
     * Notes the migrations of a plan read ahead through {@code loader}: where no declaration found at discovery decided
     * yet, the first plan noted decides whether Flyway loads ahead at all.
     */
    static void planned(Migrations.Plan plan, ClassLoader loader) {
        note(loader, false, plan.liquibase().isEmpty() && !plan.locations().isEmpty());
    }

    /**
     * Notes the migrations that the first test class a launcher's discovery finds declares
     * ({@code @LakebaseBranch(migrations = ...)}): Flyway locations, Liquibase changelogs, or none. Decides as {@link
     * #planned} does, when nothing was planned yet; a class that declares none decides nothing.
     *
     * @param migrations the declared migrations, as written
     * @param loader the class loader of the tests
     */
    public static void declared(List<String> migrations, ClassLoader loader) {
        note(loader, false, declaresFlyway(migrations));
    }

    /**
     * Whether {@code migrations}, as a test class declares them, are Flyway locations: not Liquibase changelogs, and
     * not {@link LakebaseBranch#NO_MIGRATIONS}, which builds no base.
     *
     * @return null for none declared (the configured or the project's migrations), which decides nothing
     */
    static Boolean declaresFlyway(List<String> migrations) {
        if (migrations.isEmpty()) {
            return null;
        }
        return !migrations.contains(LakebaseBranch.NO_MIGRATIONS)
                && migrations.stream().noneMatch(Migrations::isChangelog);
    }

    /**
     * Notes what is now known for {@code loader}, and begins the load once both are: that the server starts empty, and
     * that the migrations are Flyway's (the first decision stands).
     *
     * @param flyway whether the migrations are Flyway's; null where this says nothing of them
     */
    private static void note(ClassLoader loader, boolean startsEmpty, Boolean flyway) {
        synchronized (STATES) {
            State state = STATES.computeIfAbsent(loader, l -> new State());
            state.startsEmpty |= startsEmpty;
            if (state.flyway == null) {
                state.flyway = flyway;
            }
            if (state.loading || !state.startsEmpty || !Boolean.TRUE.equals(state.flyway)) {
                return;
            }
            state.loading = true;
        }
        loadInBackground(loader);
    }

    /** Configures a Flyway through {@code loader}, as a base's build does, and drops it, in a daemon thread. */
    private static void loadInBackground(ClassLoader loader) {
        try {
            Thread load = DaemonThreads.named("lakebase-junit-flyway-ahead").newThread(() -> load(loader));
            load.setContextClassLoader(loader);
            load.start();
        } catch (RuntimeException | Error e) { // no thread to be had: the build loads it, as without this
            LOG.debug("Could not load Flyway ahead: {}", e.toString());
        }
    }

    /** Never throws: should anything fail, the base's build loads Flyway as it would without this. */
    private static void load(ClassLoader loader) {
        long start = System.nanoTime();
        try {
            Flyway.configure(loader).configuration(Map.of()).load();
            LOG.debug(
                    "Loaded Flyway while a server that starts empty starts ({} ms)",
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
            LOG.debug("Could not load Flyway ahead: {}", e.toString());
        }
    }

    /** What is known for one class loader; guarded by {@link #STATES}. */
    private static final class State {
        boolean startsEmpty;
        /** Whether the first migrations noted are Flyway's; null until some are. */
        Boolean flyway;
        /** Whether the load has begun. */
        boolean loading;
    }
}
