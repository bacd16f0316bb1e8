package io.github.lakebase.junit.internal.util;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.util.PasswordUtil;

/**
 * Runs the PostgreSQL JDBC driver's own paths of a login once, without a server, so that a new JVM's first real
 * login does not load and initialize them on a test's path: the SCRAM-SHA-256 functions its client uses (the
 * password's SASLprep, with the JDK's NFKC normalization, and the key derivation, through the driver's public {@link
 * PasswordUtil}), and its connection path up to the reply to its SSL request, against a socket of this JVM's own
 * that closes each connection as soon as it is reached. Nothing leaves the JVM but a connection to itself on the
 * loopback interface. On a 2-core machine the first login of a new JVM took about 300 ms with the driver and the
 * JDK's cryptography loaded, and about 160 ms after these paths had run.
 *
 * <pre>{@code
 * DriverPaths.run(); // in a background thread, before the first login (JdbcWarmUp.driverPathsOnce)
 * }</pre>
 */
final class DriverPaths {

    private DriverPaths() {}

    /** Runs the paths; never throws. */
    @SuppressWarnings("try") // the connection is never made: the path is what runs
    static void run() {
        try {
            PasswordUtil.encodeScramSha256(new char[] {'x'}, 1, new byte[16]);
        } catch (RuntimeException | LinkageError e) {
            // An older driver, without it: the first login initializes its SCRAM client, as without this.
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread closer = DaemonThreads.named("lakebase-junit-jdbc-warm-up").newThread(() -> closeEach(listener));
            closer.start();
            Properties properties = new Properties();
            properties.setProperty("user", "warm-up");
            properties.setProperty("password", "warm-up");
            properties.setProperty("connectTimeout", "5");
            properties.setProperty("socketTimeout", "5");
            String url = "jdbc:postgresql://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                    + listener.getLocalPort() + "/warm-up";
            try (Connection ignored = new Driver().connect(url, properties)) {
                // Never reached: the socket closes before the login.
            }
        } catch (SQLException | IOException | RuntimeException | LinkageError e) {
            // The path ends in the driver's exception for a closed connection, as it should.
        }
    }

    /** Accepts each of the driver's connections and closes it at once, until the listener is closed. */
    @SuppressWarnings("try") // accepted only to be closed
    private static void closeEach(ServerSocket listener) {
        while (true) {
            try (Socket ignored = listener.accept()) {
                // Closed unread.
            } catch (IOException e) {
                return; // the listener is closed: the driver is done
            }
        }
    }
}
