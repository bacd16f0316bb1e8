package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.SweepingProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's live services, one per configuration that does not agree with another's: each created (and its
 * server started and swept) on first use, replaced when its server dies, and closed when the JVM exits.
 *
 * <pre>{@code
 * BranchService service = LiveServices.obtain(config);
 * ManagedBranch branch = LiveServices.onLive(service, config, true, s -> s.fork(request, config));
 * }</pre>
 */
final class LiveServices {

    private static final Logger LOG = LoggerFactory.getLogger(LiveServices.class);
    private static final List<BranchService> SERVICES = new CopyOnWriteArrayList<>();
    private static final Object LOCK = new Object();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LiveServices::closeAll, "lakebase-junit-shutdown"));
    }

    private LiveServices() {}

    /**
     * The service for {@code config}, created (and its server started) on first use.
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
            BranchProviderFactory factory = ProviderFactories.find(id, config.classLoader());
            factory.unavailableReason(config).ifPresent(reason -> {
                throw new ProviderException(
                        reason + " (Set lakebase.disabled-when-unavailable=true to skip the tests instead.)", null);
            });
            BranchNames names = config.names(); // a wrong prefix fails before a server starts
            BranchProvider provider = factory.create(config);
            BranchService service = new BranchService(id, config, provider, names);
            LOG.info("lakebase-junit run {} uses {}", BranchService.RUN_ID, provider.describe());
            if (provider instanceof SweepingProvider sweeping) {
                sweeping.sweep();
            }
            SERVICES.add(service);
            return service;
        }
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
            return action.apply(service);
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
            return action.apply(obtain(config));
        }
    }

    /** Closes every service as the JVM exits; with none opened, loads no class from a loader maybe closed by then. */
    private static void closeAll() {
        if (!SERVICES.isEmpty()) {
            Shutdown.closeAll(List.copyOf(SERVICES));
        }
    }
}
