package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded server of a test class's own, on a temporary data directory: started before the class's first test
 * and stopped, its directory deleted, after its last; with a template provider on it if asked for, closed before
 * the server stops. For tests below the extension that need a server to themselves.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TemporaryServer SERVER = new TemporaryServer(40).withProvider("sweeptests");
 *
 * try (Connection c = SERVER.get().connect("postgres")) { ... }
 * SERVER.provider().sweep();
 * }</pre>
 */
public final class TemporaryServer implements BeforeAllCallback, AfterAllCallback {

    private final int maxConnections;
    private final String runId;
    private EmbeddedServer server;
    private TemplateBranchProvider provider;

    /** @param maxConnections the server's {@code max_connections} */
    public TemporaryServer(int maxConnections) {
        this(maxConnections, null);
    }

    private TemporaryServer(int maxConnections, String runId) {
        this.maxConnections = maxConnections;
        this.runId = runId;
    }

    /** This server, with a provider of the run {@code runId} on it ({@link TestServers#provider}). */
    public TemporaryServer withProvider(String runId) {
        return new TemporaryServer(maxConnections, runId);
    }

    /** The server, while the class's tests run. */
    public EmbeddedServer get() {
        if (server == null) {
            throw new IllegalStateException("The temporary server runs only while its test class does");
        }
        return server;
    }

    /** The provider on it, while the class's tests run; only {@link #withProvider} makes one. */
    public TemplateBranchProvider provider() {
        if (provider == null) {
            throw new IllegalStateException("No provider: make the server withProvider(runId)");
        }
        return provider;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServers.startTemporary(maxConnections);
        if (runId != null) {
            provider = TestServers.provider(server, runId);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (provider != null) {
                provider.close();
            }
        } finally {
            provider = null;
            if (server != null) { // null when it could not start
                server.close();
                server = null;
            }
        }
    }
}
