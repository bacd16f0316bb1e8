package io.github.lakebase.junit.fakes;

import java.util.Optional;

/**
 * Closes a test's own server when the JVM exits, after the library's shutdown has finished with it: the
 * library drops the bases and spares of its run through that server then, and a server closed earlier
 * (in an {@code @AfterAll}, or by a shutdown hook of its own that runs at the same time) makes those
 * drops fail.
 *
 * <pre>{@code
 * server = AfterLibraryShutdown.close(EmbeddedServer.start(options));
 * }</pre>
 */
public final class AfterLibraryShutdown {

    /** The name of the library's shutdown hook, which waits for every provider to close. */
    private static final String LIBRARY_SHUTDOWN = "lakebase-junit-shutdown";
    /**
     * How long the close may take after the library's shutdown (at most 20 s) before the JVM exits without it,
     * within the 30 s Surefire gives an exiting test JVM: a data directory left half deleted (on a disk busy
     * with other work) goes at a later start's sweep.
     */
    private static final long CLOSE_MILLIS = 5_000;

    private AfterLibraryShutdown() {}

    /** Returns {@code resource}, to be closed when the JVM exits, after the library's shutdown. */
    public static <T extends AutoCloseable> T close(T resource) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // Every shutdown hook starts at once: give the library's a moment to start, then wait for
                            // it.
                            libraryShutdown().ifPresent(t -> join(t, 60_000));
                            Thread closing = new Thread(
                                    () -> {
                                        try {
                                            resource.close();
                                        } catch (Exception e) {
                                            System.err.println("Closing " + resource + " at exit: " + e);
                                        }
                                    },
                                    "lakebase-test-fixture-close");
                            closing.setDaemon(true);
                            closing.start();
                            join(closing, CLOSE_MILLIS);
                        },
                        "lakebase-test-fixture-shutdown"));
        return resource;
    }

    private static Optional<Thread> libraryShutdown() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Thread> hook = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(LIBRARY_SHUTDOWN))
                    .findFirst();
            if (hook.isPresent()) {
                return hook;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
