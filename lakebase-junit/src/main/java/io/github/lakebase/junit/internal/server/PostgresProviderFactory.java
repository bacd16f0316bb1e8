package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lakebase.provider=postgres}: branches on an existing server, given by an admin JDBC URL of a
 * user allowed to create databases (a local PostgreSQL, or a server holding a restored production
 * dump to fork from). The server is never stopped, and only databases the library created are ever
 * dropped.
 */
public final class PostgresProviderFactory implements BranchProviderFactory {

    public static final String URL = "lakebase.postgres.url";
    public static final String USERNAME = "lakebase.postgres.username";
    public static final String PASSWORD = "lakebase.postgres.password";
    private static final Pattern JDBC = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");

    @Override
    public String id() {
        return "postgres";
    }

    @Override
    public BranchProvider create(ProviderContext context) {
        String url = context.required(URL);
        Matcher m = JDBC.matcher(url);
        if (!m.matches()) {
            throw ProviderException.configuration(URL + " must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://localhost:5432/postgres; it is '" + redact(url) + "'.");
        }
        return new TemplateBranchProvider(
                new Existing(
                        m.group(1),
                        m.group(2) == null || m.group(2).length() <= 1
                                ? "postgres"
                                : m.group(2).substring(1),
                        m.group(3) == null ? "" : m.group(3),
                        context.get(USERNAME).or(() -> parameter(url, "user")).orElse(System.getProperty("user.name")),
                        context.get(PASSWORD)
                                .or(() -> parameter(url, "password"))
                                .orElse("")),
                context,
                "template1");
    }

    private static java.util.Optional<String> parameter(String url, String name) {
        Matcher m = Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
        return m.find()
                ? java.util.Optional.of(java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8))
                : java.util.Optional.empty();
    }

    private static String redact(String url) {
        return Redaction.url(url);
    }

    /**
     * An existing server.
     *
     * @param base {@code jdbc:postgresql://host:port}
     * @param maintenance the database to connect to for administration
     * @param query the URL's parameters, starting with {@code ?}, or empty
     */
    record Existing(String base, String maintenance, String query, String username, String password)
            implements PostgresServer {

        @Override
        public Connection connectAdmin() throws SQLException {
            return BranchConnection.of(jdbcUrl(maintenance), username, password).open();
        }

        @Override
        public String maintenanceDatabase() {
            return maintenance;
        }

        @Override
        public String jdbcUrl(String database) {
            return base + "/" + database + query;
        }

        @Override
        public String describe() {
            return "PostgreSQL at " + redact(base + "/" + maintenance + query);
        }

        @Override
        public String toString() {
            return describe();
        }

        @Override
        public void close() {
            // not ours to stop
        }
    }
}
