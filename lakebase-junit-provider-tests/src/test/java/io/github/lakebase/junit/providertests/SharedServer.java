package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The embedded provider on a persistent data directory of this test JVM's own, so that every run of
 * the suite shares one server, as runs of one machine do.
 */
public final class SharedServer {

    /** Where the tests keep the server's binaries and clusters: not in the machine's cache. */
    private static final String CACHE =
            Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit").toString();

    /** A persistent data directory of this JVM's own, that every run of the suite shares. */
    static final Map<String, String> CONFIGURATION = Map.of(
            "lakebase.embedded.data-directory", dataDirectory().toString(), "lakebase.embedded.cache-directory", CACHE);

    /** A fresh cluster, deleted when the JVM exits. */
    public static final Map<String, String> TEMPORARY =
            Map.of("lakebase.embedded.data-directory", "temporary", "lakebase.embedded.cache-directory", CACHE);

    private SharedServer() {}

    /**
     * The superuser's connection details of a running embedded server, as a provider of an existing server
     * is given them: a database the embedded provider creates leads to them.
     *
     * @param server an embedded provider, which the caller closes after the tests
     * @return the JDBC URL of the server's {@code postgres} database, the user and the password
     */
    public static BranchConnection superuser(BranchProvider server) {
        String name = server.normalizeName("lbj_superuser_probe");
        BranchConnection probe = server.create(new BranchRequest(name, server.defaultParent(), null, Kind.PARENT));
        return BranchConnection.of(
                probe.jdbcUrl().replace("/" + name, "/postgres"), probe.username(), probe.password());
    }

    /** The in-tree provider factory with this id, found as a user's build finds it. */
    public static BranchProvider provider(String id, ProviderContext context) {
        for (BranchProviderFactory factory : ServiceLoader.load(BranchProviderFactory.class)) {
            if (factory.id().equals(id)) {
                return factory.create(context);
            }
        }
        throw new IllegalStateException("No provider " + id);
    }

    private static Path dataDirectory() {
        try {
            // Under java.io.tmpdir, readable by the server's OS user when the tests run as root.
            Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"));
            Path work = Files.createTempDirectory(root, "provider-tests-");
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            return work.resolve("pgdata");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
