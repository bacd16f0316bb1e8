package io.github.lakebase.junit.internal.util;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Readies a new JVM for its first PostgreSQL login before any test needs one: loads the JDBC driver and initializes
 * the cryptography of a SCRAM login, which a JVM otherwise does during the first login, on the test's path; and,
 * where a provider starts, runs the driver's own paths of a login and a query ({@link #driverPathsOnce}). Started once per JVM,
 * as early as the library is called (the launcher's discovery), in a daemon thread; what it does not get to, the
 * first login does, as without it.
 *
 * <pre>{@code
 * JdbcWarmUp.startOnce(getClass().getClassLoader());       // at any discovery
 * JdbcWarmUp.driverPathsOnce(getClass().getClassLoader()); // where a provider starts
 * }</pre>
 */
public final class JdbcWarmUp {

    /** The driver's class; a class path without it (a cloud provider's run over HTTP only) skips it. */
    private static final String DRIVER = "org.postgresql.Driver";

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final AtomicBoolean DRIVER_PATHS = new AtomicBoolean();

    private JdbcWarmUp() {}

    /**
     * Starts the warm-up in a daemon thread, the first time only.
     *
     * @param loader the class loader to load the driver with: the library's own
     */
    public static void startOnce(ClassLoader loader) {
        once(STARTED, () -> {
            loadDriver(loader);
            ScramCryptography.load();
        });
    }

    /**
     * Runs the driver's own paths of a login and a query in a daemon thread, the first time only ({@link DriverPaths}): for a
     * JVM that starts a provider, whose first login follows; they cost a new JVM about a third of a second of
     * processor time, most of which its first login would otherwise spend on a test's path, and which a JVM that
     * runs no test of the library does not spend.
     *
     * @param loader the class loader to load the driver with: the library's own
     */
    public static void driverPathsOnce(ClassLoader loader) {
        once(DRIVER_PATHS, () -> {
            if (loadDriver(loader)) {
                DriverPaths.run();
            }
        });
    }

    /** Runs {@code warmUp} in a daemon thread unless {@code started} says it was. */
    private static void once(AtomicBoolean started, Runnable warmUp) {
        if (started.compareAndSet(false, true)) {
            DaemonThreads.named("lakebase-junit-jdbc-warm-up").newThread(warmUp).start();
        }
    }

    /** Whether the driver is on the class path; no login here needs it when it is not. */
    private static boolean loadDriver(ClassLoader loader) {
        try {
            Class.forName(DRIVER, true, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
