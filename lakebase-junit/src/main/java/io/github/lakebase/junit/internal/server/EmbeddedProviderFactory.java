package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.embedded.ByteSizes;
import io.github.lakebase.junit.internal.embedded.CacheLimits;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.LoggerFactory;

/**
 * {@code lakebase.provider=embedded} (the default): a PostgreSQL 18 server started from zonky's
 * binaries in this JVM's first test that needs it, shared by all tests, stopped when the JVM exits
 * (or by the last of the JVMs that share its data directory). Its files go to the user's cache unless
 * the {@code lakebase.embedded.*-directory} keys say otherwise; see {@code docs/files-and-directories.md}.
 */
public final class EmbeddedProviderFactory implements BranchProviderFactory {

    public static final String DATA_DIRECTORY = "lakebase.embedded.data-directory";
    /** The value of {@link #DATA_DIRECTORY} that asks for a temporary data directory, deleted at exit. */
    public static final String TEMPORARY = "temporary";

    /** Where the embedded server's files go; the user's cache by default. */
    public static final String CACHE_DIRECTORY = "lakebase.embedded.cache-directory";
    /** Where the binaries are unpacked, once per version; {@code <cache>/binaries} by default. */
    public static final String BINARIES_DIRECTORY = "lakebase.embedded.binaries-directory";
    /** How long what no JVM uses stays in the cache. */
    public static final String CACHE_MAX_AGE = "lakebase.embedded.cache-max-age";
    /** How much the cache holds before what no JVM uses is deleted. */
    public static final String CACHE_MAX_SIZE = "lakebase.embedded.cache-max-size";

    /**
     * How long the server of a persistent data directory stays up after the last JVM that uses it has gone: {@code
     * 0s} (the default) to {@code 1d}.
     */
    public static final String LINGER = "lakebase.embedded.linger";

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
        Optional<String> dataDirectory = config.get(DATA_DIRECTORY);
        boolean temporary = dataDirectory.filter(TEMPORARY::equalsIgnoreCase).isPresent();
        EmbeddedServer.Options options = new EmbeddedServer.Options(
                temporary ? null : dataDirectory.map(Path::of).orElse(null),
                config.get(CACHE_DIRECTORY).map(Path::of).orElse(null),
                config.get(OS_USER),
                config.getInt(MAX_CONNECTIONS, 300, 10, 10_000),
                settings(config),
                config.get(BINARIES_DIRECTORY).map(Path::of).orElse(null),
                temporary,
                new CacheLimits(
                        config.getDuration(CACHE_MAX_AGE, CacheLimits.DEFAULT.maxAge()),
                        ByteSizes.parse(CACHE_MAX_SIZE, config.get(CACHE_MAX_SIZE), CacheLimits.DEFAULT.maxBytes())),
                config.getDuration(LINGER, Duration.ZERO, Duration.ZERO, Duration.ofDays(1)));
        EmbeddedServer server = EmbeddedServer.start(options, context::serverStartsEmpty); // a new cluster says so
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
        public boolean ownProcess() {
            return true;
        }

        @Override
        public boolean persistent() {
            return server.persistent();
        }

        @Override
        public boolean outlivesJvm() {
            return server.persistent();
        }

        @Override
        public Optional<Path> rowsDirectory() {
            try {
                return Optional.of(server.serverDirectory(RowFiles.DIRECTORY));
            } catch (IOException e) { // rows are then held in memory
                LoggerFactory.getLogger(EmbeddedProviderFactory.class)
                        .debug("Cannot make {}: {}", RowFiles.DIRECTORY, e.getMessage());
                return Optional.empty();
            }
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
