package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.apiguardian.api.API;

/**
 * How to connect to a branch. The password may change over time (a short-lived token), so it is
 * asked for at every new connection.
 *
 * <pre>{@code
 * BranchConnection c = BranchConnection.of("jdbc:postgresql://localhost:5432/b1", "postgres", secret);
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BranchConnection {

    /**
     * The JDBC URL of the branch.
     *
     * @return a {@code jdbc:postgresql:} URL
     */
    String jdbcUrl();

    /**
     * The user to connect as.
     *
     * @return the user name
     */
    String username();

    /**
     * The password for a connection opened now.
     *
     * @return the current password
     */
    String password();

    /**
     * Opens a new JDBC connection to the branch with the current password, through {@link
     * DriverManager}: the one way the library connects to a branch.
     *
     * <pre>{@code
     * try (Connection c = branch.open()) { ... }
     * }</pre>
     *
     * @return a new connection, which the caller closes
     * @throws SQLException when the connection cannot be opened
     */
    default Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username());
        properties.setProperty("password", password());
        // The driver's own settings (application_name, extra_float_digits) then come with the startup message, so
        // that RESET ALL and DISCARD ALL keep them, as for any setting a connection starts with; a URL may say
        // otherwise.
        properties.setProperty("assumeMinServerVersion", "9.4");
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    /**
     * A connection with fixed credentials.
     *
     * @param jdbcUrl the JDBC URL
     * @param username the user name
     * @param password the password
     * @return the connection details
     */
    static BranchConnection of(String jdbcUrl, String username, String password) {
        return new BranchConnection() {
            @Override
            public String jdbcUrl() {
                return jdbcUrl;
            }

            @Override
            public String username() {
                return username;
            }

            @Override
            public String password() {
                return password;
            }

            @Override
            public String toString() {
                return jdbcUrl + " as " + username;
            }
        };
    }
}
