package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the embedded server's own tests share: a directory of their own under {@code <java.io.tmpdir>/lakebase-junit}
 * (a cache, or a place for data directories), the binaries unpacked there once for all of them, and a query.
 *
 * <pre>{@code
 * Path cache = TestCaches.newDirectory("cache-tests-");
 * String one = TestCaches.query(server, "SELECT 1");
 * }</pre>
 */
final class TestCaches {

    private TestCaches() {}

    /** A new, empty directory that the server's OS user can pass through, named {@code prefix<random>}. */
    static Path newDirectory(String prefix) throws IOException {
        Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"));
        Path directory = Files.createTempDirectory(root, prefix);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        return directory;
    }

    /** The binaries directory of the servers of these tests: unpacked once, shared. */
    static Path sharedBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit", "binaries");
    }

    /** The installation in {@link #sharedBinaries()} that the servers of these tests use. */
    static Path installation() throws IOException {
        try (var versions = Files.list(sharedBinaries())) {
            return versions.filter(v -> PostgresBinaries.VERSION
                            .matcher(v.getFileName().toString())
                            .matches())
                    .filter(v -> Files.exists(v.resolve(".complete")))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /**
     * How to run a server on the persistent data directory {@code dataDirectory} with the binaries of these tests,
     * lingering {@code linger} after its last user, with the server settings {@code settings}.
     */
    static EmbeddedServer.Options persistent(Path dataDirectory, Duration linger, Map<String, String> settings) {
        return new EmbeddedServer.Options(
                dataDirectory,
                sharedBinaries().getParent(),
                Optional.empty(),
                20,
                settings,
                sharedBinaries(),
                false,
                CacheLimits.DEFAULT,
                linger);
    }

    /** The first column of the first row of {@code sql}, run as the superuser on the database {@code postgres}. */
    static String query(EmbeddedServer server, String sql) throws SQLException {
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
