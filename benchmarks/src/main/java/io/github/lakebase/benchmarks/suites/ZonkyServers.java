package io.github.lakebase.benchmarks.suites;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Sets up zonky's embedded PostgreSQL like lakebase-junit's embedded server, so that only the approach
 * differs: the same settings for tests (no fsync, minimal WAL...), and its data directory on the
 * filesystem under test (the system property {@value #DATA_DIRECTORY_PROPERTY}).
 *
 * <pre>{@code
 * EmbeddedPostgres postgres = ZonkyServers.configure(EmbeddedPostgres.builder()).start();
 * }</pre>
 */
public final class ZonkyServers {

    /** The system property naming the directory where this cell's data directories go. */
    public static final String DATA_DIRECTORY_PROPERTY = "bench.data-directory";

    /** The settings lakebase-junit's embedded server runs with, given to every zonky server too. */
    static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("fsync", "off"),
            Map.entry("synchronous_commit", "off"),
            Map.entry("full_page_writes", "off"),
            Map.entry("wal_level", "minimal"),
            Map.entry("max_wal_senders", "0"),
            Map.entry("max_wal_size", "2GB"),
            Map.entry("checkpoint_timeout", "30min"),
            Map.entry("file_copy_method", "clone"),
            Map.entry("shared_buffers", "128MB"),
            Map.entry("max_connections", "300"));

    private ZonkyServers() {}

    /**
     * Applies the settings and a new data directory to {@code builder}.
     *
     * @param builder a builder of zonky's embedded server
     * @return the same builder
     */
    public static EmbeddedPostgres.Builder configure(EmbeddedPostgres.Builder builder) {
        SETTINGS.forEach(builder::setServerConfig);
        String directory = System.getProperty(DATA_DIRECTORY_PROPERTY);
        if (directory != null) {
            builder.setDataDirectory(Path.of(directory, "zonky-" + UUID.randomUUID()));
            builder.setCleanDataDirectory(true);
        }
        return builder;
    }
}
