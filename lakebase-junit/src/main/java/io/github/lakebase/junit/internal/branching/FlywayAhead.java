package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.WeakHashMap;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway, loaded in the background while a server that starts empty starts ({@link
 * io.github.lakebase.junit.spi.ProviderContext#serverStartsEmpty}: a new cluster holds no base an earlier run kept,
 * so the run's first test builds its base as soon as the server is up). Flyway's first configuration in a JVM loads
 * and initializes its classes: 590-615 ms in a new JVM on a 2-core machine, against 18-40 ms for the next one (a
 * program of its own, three runs; {@code docs/performance.md}, "Cold starts"). Loaded meanwhile, the base's build finds it loaded. Where the server keeps
 * what earlier runs built, nothing is loaded ahead: the base is likely kept, and the load would only compete with the
 * start for the machine.
 *
 * <pre>{@code
 * config.whenServerStartsEmpty(() -> FlywayAhead.loadInBackground(config.classLoader()));
 * }</pre>
 */
final class FlywayAhead {

    private static final Logger LOG = LoggerFactory.getLogger(FlywayAhead.class);

    /** The class loaders Flyway was loaded ahead through: once each (a JVM's tests have one). */
    private static final Set<ClassLoader> LOADED =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private FlywayAhead() {}

    /**
     * Configures a Flyway through {@code loader}, as a base's build does, and drops it, in a daemon thread; once per
     * class loader. Never throws: without Flyway on the class path (a project that migrates with Liquibase), or should
     * anything fail, nothing is loaded, and the build goes as it would without this.
     *
     * @param loader the class loader of the tests, through which the build will load Flyway
     */
    static void loadInBackground(ClassLoader loader) {
        if (!LOADED.add(loader)) {
            return;
        }
        try {
            Thread load = DaemonThreads.named("lakebase-junit-flyway-ahead").newThread(() -> load(loader));
            load.setContextClassLoader(loader);
            load.start();
        } catch (RuntimeException | Error e) { // no thread to be had: the build loads it, as without this
            LOG.debug("Could not load Flyway ahead: {}", e.toString());
        }
    }

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
}
