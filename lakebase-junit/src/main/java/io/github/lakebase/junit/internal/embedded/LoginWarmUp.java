package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchConnection;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

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
                    loadScramCryptography();
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

    /**
     * Initializes the JDK's cryptography that a SCRAM-SHA-256 login uses (<a
     * href="https://www.rfc-editor.org/rfc/rfc5802#section-3">RFC 5802</a> with <a
     * href="https://www.rfc-editor.org/rfc/rfc7677">RFC 7677</a>'s SHA-256): a random nonce, HMAC-SHA-256, SHA-256,
     * Hi (PBKDF2 with HMAC-SHA-256) and Base64. A JVM initializes each on its first use, which without this is
     * during the first login, after the server has started.
     */
    private static void loadScramCryptography() {
        try {
            new SecureRandom().nextBytes(new byte[18]);
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            hmac.doFinal(new byte[32]);
            MessageDigest.getInstance("SHA-256").digest(new byte[32]);
            SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(new char[] {'x'}, new byte[16], 1, 256));
            Base64.getEncoder().encode(new byte[18]);
        } catch (GeneralSecurityException e) {
            // Not available here: the login initializes what it uses, as it would without this.
        }
    }
}
