package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Embedded servers and template providers on them, for tests below the extension. */
public final class TestServers {

    private TestServers() {}

    /** A server on a temporary data directory, deleted when it is closed. */
    public static EmbeddedServer startTemporary(int maxConnections) {
        return EmbeddedServer.start(new EmbeddedServer.Options(
                null,
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                Optional.empty(),
                maxConnections,
                Map.of()));
    }

    /**
     * A provider of the run {@code runId} on {@code server}, which it treats as an existing server: closing
     * the provider leaves the server running.
     */
    public static TemplateBranchProvider provider(EmbeddedServer server, String runId) {
        return new TemplateBranchProvider(existing(server), configuration(runId), "template1");
    }

    /**
     * As {@link #provider(EmbeddedServer, String)}, on a server that says its disk has {@code freeBytes}
     * free: the filesystem's report is the one thing this changes.
     */
    public static TemplateBranchProvider providerWithFreeDisk(EmbeddedServer server, String runId, long freeBytes) {
        PostgresServer reporting = new ForwardingServer(existingServer(server)) {
            @Override
            public OptionalLong freeDiskBytes() {
                return OptionalLong.of(freeBytes);
            }
        };
        return new TemplateBranchProvider(reporting, configuration(runId), "template1");
    }

    /** {@code server} seen as an existing server: closing it leaves the server running. */
    public static PostgresServer existingServer(EmbeddedServer server) {
        return existing(server);
    }

    private static PostgresProviderFactory.Existing existing(EmbeddedServer server) {
        return new PostgresProviderFactory.Existing(
                "jdbc:postgresql://" + server.host() + ":" + server.port(),
                "postgres",
                "",
                server.username(),
                server.password());
    }

    /** The configuration of a run {@code runId} with no settings: every key takes its default. */
    public static Configuration configuration(String runId) {
        return new Configuration(key -> Optional.empty(), Map.of(), runId, TestServers.class.getClassLoader());
    }
}
