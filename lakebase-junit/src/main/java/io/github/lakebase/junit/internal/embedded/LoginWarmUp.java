package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.internal.util.ScramCryptography;
import io.github.lakebase.junit.spi.BranchConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Readies a new JVM's first login to the embedded server while the server starts up, so that the first real
 * connection does not wait for it: a new JVM takes longer to load the JDBC driver and to initialize the
 * cryptography of a login than the server takes to start. On a 2-core machine the first connection of a new JVM
 * took 360-490 ms, a later one 33 ms.
 *
 * <pre>{@code
 * Postmaster.start(tools, dir, log, settings, Duration.ZERO, 0,
 *         port -> LoginWarmUp.start(BranchConnection.of(url(port), "postgres", password)));
 * }</pre>
 */
final class LoginWarmUp {

    /** How long the warm-up tries to log in before it gives up; the server's start-up is waited for elsewhere. */
    private static final Duration TRYING = Duration.ofSeconds(10);

    private LoginWarmUp() {}

    /**
     * In a daemon thread: loads what a SCRAM-SHA-256 login computes with, then logs in with {@code login} until it
     * succeeds (at most {@link #TRYING}), and closes the connection at once.
     */
    static void start(BranchConnection login) {
        DaemonThreads.named("lakebase-junit-warm-up")
                .newThread(() -> {
                    ScramCryptography.load();
                    long deadline = System.nanoTime() + TRYING.toNanos();
                    while (System.nanoTime() < deadline) {
                        if (loggedIn(login)) {
                            return;
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException interrupted) {
                            return;
                        }
                    }
                })
                .start();
    }

    @SuppressWarnings("try") // the connection is opened only to prove that a login works
    private static boolean loggedIn(BranchConnection login) {
        try (Connection ignored = login.open()) {
            return true;
        } catch (SQLException e) {
            return false; // the server is not up yet
        }
    }
}
