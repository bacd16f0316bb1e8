package io.github.lakebase.junit.internal.util;

import java.io.IOException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Runs the PostgreSQL JDBC driver's own paths of a login and of a query once, without a server, so that a new JVM's
 * first real login and first statements do not load and initialize them on a test's path: against a {@link
 * StandInServer} of this JVM's own on the loopback interface, the driver logs in with SCRAM-SHA-256 (its SASLprep,
 * with the JDK's NFKC normalization, its key derivation and its check of the server's signature), reads the server's
 * parameters, and runs a prepared statement through the extended query protocol. Nothing leaves the JVM but a
 * connection to itself. On a 2-core machine, in a new JVM with the driver and the JDK's cryptography loaded, the first
 * login to a running server took 265-330 ms without any of this, 87-103 ms with the driver's path up to its SSL
 * request run first, and 34-40 ms after these paths; its first query 17-27 ms, and 4-5 ms after them. The paths
 * take the background thread about a third of a second, most of it what the first login would otherwise spend.
 *
 * <pre>{@code
 * DriverPaths.run(); // in a background thread, before the first login (JdbcWarmUp.driverPathsOnce)
 * }</pre>
 */
final class DriverPaths {

    private DriverPaths() {}

    /**
     * Runs the paths; never throws.
     *
     * @return how far the driver got: {@code QUERIED} unless something here fails (a machine without loopback
     *     sockets, a driver that speaks otherwise), in which case the first real login does what is left
     */
    static StandInServer.Reached run() {
        try (StandInServer server = StandInServer.start()) {
            Properties properties = new Properties();
            properties.setProperty("user", "warm-up");
            properties.setProperty("password", StandInServer.PASSWORD);
            properties.setProperty("connectTimeout", "5");
            properties.setProperty("socketTimeout", "5");
            String url = "jdbc:postgresql://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.port()
                    + "/warm-up";
            try (Connection c = new Driver().connect(url, properties);
                    PreparedStatement s = c.prepareStatement("SELECT ?")) {
                c.getMetaData().getDatabaseMajorVersion();
                s.setString(1, "1");
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    rs.getString(1);
                }
            }
            return server.reached();
        } catch (SQLException | IOException | RuntimeException | LinkageError e) {
            return StandInServer.Reached.NOTHING;
        }
    }
}
