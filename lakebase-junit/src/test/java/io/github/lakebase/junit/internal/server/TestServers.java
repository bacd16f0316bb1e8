package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.Configuration;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Embedded servers and template providers on them, for tests below the extension. */
public final class TestServers {

    private TestServers() {}

    /** A server on a temporary data directory, deleted when it is closed. */
    public static EmbeddedServer startTemporary(int maxConnections) {
        return EmbeddedServer.start(new EmbeddedServer.Options(null,
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"), Optional.empty(), maxConnections,
                Map.of()));
    }

    /**
     * A provider of the run {@code runId} on {@code server}, which it treats as an existing server: closing
     * the provider leaves the server running.
     */
    public static TemplateBranchProvider provider(EmbeddedServer server, String runId) {
        Configuration config = new Configuration(key -> Optional.empty(), Map.of(), runId,
                TestServers.class.getClassLoader());
        return new TemplateBranchProvider(new PostgresProviderFactory.Existing("jdbc:postgresql://" + server.host()
                + ":" + server.port(), "postgres", "", server.username(), server.password()), config, "template1");
    }
}
