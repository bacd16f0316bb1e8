package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.internal.util.JdbcWarmUp;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's live services, one per configuration that does not agree with another's: each created (and its
 * server started and swept) on first use, or ahead of it ({@link #startEarly}), replaced when its server dies, and
 * closed when the JVM exits, or before that by {@link #closeAll}.
 *
 * <pre>{@code
 * LiveServices.startEarly(config, base);           // at discovery (base null), or a test class's beforeAll callback
 * BranchService service = LiveServices.obtain(config);
 * ManagedBranch branch = LiveServices.onLive(service, config, true, s -> s.fork(request, config));
 * }</pre>
 */
final class LiveServices {

    private static final Logger LOG = LoggerFactory.getLogger(LiveServices.class);
    private static final List<BranchService> SERVICES = new CopyOnWriteArrayList<>();
    private static final Object LOCK = new Object();
    /** Early starts that failed, each to be thrown by the first {@link #obtain} for its configuration; guarded by LOCK. */
    private static final List<EarlyFailure> EARLY_FAILURES = new CopyOnWriteArrayList<>();
    /** How many early starts are under way. */
    private static final AtomicInteger STARTING = new AtomicInteger();
    /** An early start's failure, and the configuration it was for. */
    private record EarlyFailure(Map<String, Optional<String>> configuration, RuntimeException failure) {}

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LiveServices::closeAtExit, "lakebase-junit-shutdown"));
    }

    private LiveServices() {}

    /**
     * Creates the service for {@code config} in the background, unless it is live: a launcher's discovery that names
     * a class using the library calls this, and a test class at its {@code beforeAll} callback, so that the server
     * starts while JUnit, the class's {@code @BeforeAll} methods or a Spring context go on, and its first test waits
     * for what is left of the start only. The first {@link #obtain} for the
     * configuration waits for the start, and throws what it failed with.
     *
     * @param config the configuration of the class
     * @param base the base the class's tests fork from, whose migrations are read in the background too; or null
     */
    static void startEarly(Configuration config, BaseSpec base) {
        JdbcWarmUp.startOnce(LiveServices.class.getClassLoader()); // where no launcher started it (EngineTestKit)
        JdbcWarmUp.driverPathsOnce(LiveServices.class.getClassLoader()); // a login follows
        if (base != null) {
            MigrationsDigest.readAheadInBackground(base, config); // no server needed
        }
        String id;
        try {
            id = config.providerId();
        } catch (RuntimeException e) {
            return; // a wrong configuration: the class's first test says what is wrong
        }
        if (SERVICES.stream().anyMatch(s -> s.serves(id, config))) {
            return;
        }
        // Classes that start at once may each start one: the first creates the service, the others find it.
        STARTING.incrementAndGet();
        Thread start = DaemonThreads.named("lakebase-junit-start").newThread(() -> {
            try {
                obtain(config);
            } catch (RuntimeException e) {
                synchronized (LOCK) {
                    if (EARLY_FAILURES.stream().noneMatch(f -> config.agreesWith(f.configuration()))) {
                        EARLY_FAILURES.add(new EarlyFailure(config.readSoFar(), e));
                    }
                }
                LOG.debug("The early start of {} failed; its first test fails with it: {}", id, e.getMessage());
            } catch (Error e) { // a class that cannot load, say: the first test's own start meets it again
                LOG.debug("The early start of {} failed: {}", id, e.toString());
            } finally {
                STARTING.decrementAndGet();
            }
        });
        start.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        try {
            start.start();
        } catch (RuntimeException | Error e) {
            STARTING.decrementAndGet();
            throw e;
        }
    }

    /**
     * The service for {@code config}, created (and its server started) on first use; when an early start for it is
     * under way, once that is done.
     *
     * @throws ProviderException when the provider is unavailable, or its server does not start
     */
    static BranchService obtain(Configuration config) {
        String id = config.providerId();
        for (BranchService s : SERVICES) {
            if (s.serves(id, config)) {
                return s;
            }
        }
        synchronized (LOCK) {
            for (BranchService s : SERVICES) {
                if (s.serves(id, config)) {
                    return s;
                }
            }
            for (EarlyFailure early : EARLY_FAILURES) {
                if (config.agreesWith(early.configuration())) {
                    EARLY_FAILURES.remove(early); // the next test tries again, as it would without an early start
                    throw early.failure();
                }
            }
            BranchProviderFactory factory = ProviderFactories.find(id, config.classLoader());
            factory.unavailableReason(config).ifPresent(reason -> {
                throw new ProviderException(
                        reason + " (Set lakebase.disabled-when-unavailable=true to skip the tests instead.)", null);
            });
            BranchNames names = config.names(); // a wrong prefix fails before a server starts
            // A new cluster: the first test builds a base, and Flyway loads meanwhile.
            config.whenServerStartsEmpty(() -> FlywayAhead.serverStartsEmpty(config.classLoader()));
            BranchProvider provider;
            try {
                provider = factory.create(config);
            } finally {
                config.whenServerStartsEmpty(() -> {});
            }
            BranchService service = new BranchService(id, config, provider, names);
            LOG.info("lakebase-junit run {} uses {}", BranchService.RUN_ID, provider.describe());
            service.startSweep(config.classLoader());
            SERVICES.add(service);
            return service;
        }
    }

    /**
     * Whether the service for {@code config} is live: false before it is created (while an early start creates it,
     * after an early start failed, or when none was made) and for a configuration that names no provider.
     */
    static boolean live(Configuration config) {
        try {
            String id = config.providerId();
            return SERVICES.stream().anyMatch(s -> s.serves(id, config));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether an early start ({@link #startEarly}) is under way, of whichever configuration: one volatile read. */
    static boolean starting() {
        return STARTING.get() > 0;
    }

    /** The live service on which an integration staged the base {@code source}; empty for none, or null. */
    static Optional<BranchService> staging(String source) {
        return source == null
                ? Optional.empty()
                : SERVICES.stream().filter(s -> s.staged(source)).findFirst();
    }

    /** The live services, in the order they were created. */
    static List<BranchService> all() {
        return List.copyOf(SERVICES);
    }

    /** Hands {@code service}, which is closing, to no one from now on. */
    static void remove(BranchService service) {
        synchronized (LOCK) {
            SERVICES.remove(service);
        }
    }

    /**
     * Runs {@code action} on {@code service}. When it fails because the server is gone (the embedded server was
     * killed, say), the service is abandoned and, if {@code retry}, the action runs once more on a new service
     * for {@code config}, so that the tests that follow get a working server.
     *
     * @throws ProviderException what the action threw, when it is not retried or fails again
     */
    static <T> T onLive(BranchService service, Configuration config, boolean retry, Function<BranchService, T> action) {
        try {
            return swept(service, action.apply(service));
        } catch (ProviderException e) {
            if (e.isConfigurationError() || service.isAlive()) {
                throw e;
            }
            LOG.warn(
                    "{} no longer answers ({}); starting over on a new one. Tests still holding branches on it "
                            + "fail with connection errors.",
                    service.describe(),
                    e.getMessage());
            remove(service);
            service.abandon();
            if (!retry) {
                throw e;
            }
            // With a configuration that has read nothing: the new service records only the keys it reads itself.
            BranchService next = obtain(config.unread());
            return swept(next, action.apply(next));
        }
    }

    /** {@code result}, once the sweep of {@code service} has ended: no test sees what a dead run left. */
    private static <T> T swept(BranchService service, T result) {
        service.awaitSweep();
        return result;
    }

    /**
     * Closes every service of this copy of the library now, and forgets them: a later {@link #obtain} starts a new
     * one. Waits for every close to end, so that the files the services lock (the shared data directory) are free
     * when it returns; the binaries in use stay locked until the JVM exits.
     */
    static void closeAll() {
        List<BranchService> closing = claimAll();
        if (!closing.isEmpty()) {
            Shutdown.closeAllAndWait(closing);
        }
    }

    /** Closes every service as the JVM exits, within the exit's budget ({@link Shutdown}). */
    private static void closeAtExit() {
        List<BranchService> closing = claimAll();
        if (!closing.isEmpty()) { // with none opened, loads no class from a loader maybe closed by then
            Shutdown.closeAll(closing);
        }
    }

    /**
     * Takes every service from the list, each for one caller only (an explicit close and the JVM's exit may run at
     * once). Not under LOCK: the JVM's exit must not wait for a server that is still starting.
     */
    private static List<BranchService> claimAll() {
        List<BranchService> claimed = new ArrayList<>();
        for (BranchService s : SERVICES) {
            if (SERVICES.remove(s)) {
                claimed.add(s);
            }
        }
        EARLY_FAILURES.clear();
        return claimed;
    }
}
