package io.github.lakebase.junit.internal.util;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the library's own, which never keep the JVM alive: a test run must be able to exit
 * while a pool closes or a heartbeat waits.
 *
 * <pre>{@code
 * ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("lakebase-junit-prefetch"));
 * }</pre>
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /**
     * A factory of daemon threads that all carry {@code name}, for thread dumps and logs.
     *
     * @param name the threads' name, for example {@code lakebase-junit-prefetch}
     * @return the factory
     */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
