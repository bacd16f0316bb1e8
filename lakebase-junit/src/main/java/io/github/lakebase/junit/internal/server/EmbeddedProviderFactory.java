package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code lakebase.provider=embedded} (the default): a PostgreSQL 18 server started from zonky's
 * binaries in this JVM's first test that needs it, shared by all tests, stopped when the JVM exits.
 */
public final class EmbeddedProviderFactory implements BranchProviderFactory {

    public static final String DATA_DIRECTORY = "lakebase.embedded.data-directory";
    public static final String OS_USER = "lakebase.embedded.os-user";
    public static final String MAX_CONNECTIONS = "lakebase.embedded.max-connections";
    public static final String SETTINGS = "lakebase.embedded.settings";

    @Override
    public String id() {
        return "embedded";
    }

    @Override
    public BranchProvider create(ProviderContext context) {
        ProviderContext config = context;
        EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Options(
                config.get(DATA_DIRECTORY).map(Path::of).orElse(null),
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                config.get(OS_USER),
                config.getInt(MAX_CONNECTIONS, 300, 10, 10_000),
                settings(config)));
        return new TemplateBranchProvider(new Embedded(server), context, "template1");
    }

    private static Map<String, String> settings(ProviderContext config) {
        Map<String, String> settings = new LinkedHashMap<>();
        config.get(SETTINGS).ifPresent(raw -> {
            for (String pair : raw.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw ProviderException.configuration(SETTINGS + " must be a comma-separated list of name=value "
                            + "server settings, for example work_mem=64MB,log_statement=all; '" + pair.trim()
                            + "' has no '='.");
                }
                settings.put(
                        pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        });
        return settings;
    }

    /** The embedded server seen as a {@link PostgresServer}. */
    private record Embedded(EmbeddedServer server) implements PostgresServer {

        @Override
        public Connection connectAdmin() throws SQLException {
            return server.connect("postgres");
        }

        @Override
        public boolean running() {
            return server.running();
        }

        @Override
        public boolean persistent() {
            return server.persistent();
        }

        @Override
        public OptionalLong freeDiskBytes() {
            try {
                return OptionalLong.of(
                        Files.getFileStore(server.dataDirectory()).getUsableSpace());
            } catch (IOException e) {
                return OptionalLong.empty();
            }
        }

        @Override
        public String jdbcUrl(String database) {
            return server.jdbcUrl(database);
        }

        @Override
        public String username() {
            return server.username();
        }

        @Override
        public String password() {
            return server.password();
        }

        @Override
        public String describe() {
            return server.toString();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
