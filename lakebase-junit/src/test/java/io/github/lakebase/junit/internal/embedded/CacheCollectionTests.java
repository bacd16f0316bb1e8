package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache is bounded: at a start, what no JVM has used for the maximum age goes, and while the cache
 * is larger than its maximum size, what no JVM uses goes too, least recently used first (binaries, data
 * directories and initdb templates alike); the cache's
 * own data directory is created anew when it alone outgrows the cache. Nothing in use, and nothing the
 * library did not make, is ever deleted.
 */
class CacheCollectionTests {

    private static final Duration OLD = Duration.ofDays(40);

    private Path cache;

    @BeforeEach
    void cacheDirectory() throws IOException {
        cache = TestCaches.newDirectory("cache-tests-");
    }

    @AfterEach
    void deleteCache() throws IOException {
        PostgresBinaries.deleteRecursively(cache);
    }

    @Test
    void whatNobodyUsedForTheMaximumAgeIsCollectedAtStartAndNothingElse() throws Exception {
        Path staleVersion = version("postgres-17.2.0-linux-x86_64-0badf00d", OLD, 1);
        Path recentVersion = version("postgres-18.5.0-linux-x86_64-0000beef", Duration.ofDays(1), 1);
        Path staleCluster = cluster("pg17-0badf00d", OLD, 1);
        Path recentCluster = cluster("pg18-0000beef", Duration.ofDays(1), 1);
        Path staleTemplate = template("pg17-0badf00d", OLD, 1);
        Path recentTemplate = template("pg18-0000beef", Duration.ofDays(1), 1);
        Path halfMadeTemplate = template("pg18-0000beef.partial-42", Duration.ofHours(2), 1);
        // initdb's password file lies beside the directory it makes: a JVM killed during initdb leaves both
        Path halfMadeTemplatePassword = aged(sibling(halfMadeTemplate, ".pwfile"), Duration.ofHours(2));
        Path halfMadeCluster = cluster("pg18-0000beef.partial-7", Duration.ofHours(2), 1);
        for (Path p : new Path[] {halfMadeCluster, sibling(halfMadeCluster, ".log")}) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        }
        Path halfMadeClusterPassword = aged(sibling(halfMadeCluster, ".pwfile"), Duration.ofHours(2));
        Path orphanedPassword = aged(cache.resolve("initdb").resolve("pg18-0000beef.partial-9.pwfile"), OLD);
        Path recentPassword = aged(cache.resolve("initdb").resolve("pg18-0000beef.partial-11.pwfile"), Duration.ZERO);
        Path foreignVersion = Files.createDirectories(cache.resolve("binaries").resolve("my-postgres"));
        Path foreignFile = Files.writeString(cache.resolve("clusters").resolve("notes.txt"), "mine");
        Path deadTemporary = Files.createDirectories(cache.resolve("data").resolve("pg-1234"));
        Files.createFile(cache.resolve("data").resolve("pg-1234.lock"));
        for (Path p : new Path[] {foreignVersion, foreignFile}) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(OLD)));
        }

        try (EmbeddedServer server = start(CacheLimits.DEFAULT)) {
            assertThat(server.dataDirectory()).startsWith(cache.resolve("clusters"));
        }

        assertThat(staleVersion).doesNotExist();
        assertThat(staleCluster).doesNotExist();
        assertThat(sibling(staleCluster, ".log")).doesNotExist();
        assertThat(deadTemporary).doesNotExist();
        assertThat(staleTemplate).doesNotExist();
        assertThat(halfMadeTemplate).as("left by a JVM killed while it made it").doesNotExist();
        assertThat(halfMadeTemplatePassword)
                .as("the password file of that initdb")
                .doesNotExist();
        assertThat(halfMadeCluster).as("left by a JVM killed while it made it").doesNotExist();
        assertThat(halfMadeClusterPassword)
                .as("the password file of that initdb")
                .doesNotExist();
        assertThat(sibling(halfMadeCluster, ".log")).doesNotExist();
        assertThat(sibling(halfMadeCluster, ".lock")).doesNotExist();
        assertThat(orphanedPassword)
                .as("a password file whose directory is gone")
                .doesNotExist();
        assertThat(recentPassword)
                .as("another JVM's initdb may be reading it now")
                .exists();
        assertThat(recentVersion).exists();
        assertThat(recentCluster).exists();
        assertThat(recentTemplate).exists();
        assertThat(foreignVersion).as("not a version the library unpacked").exists();
        assertThat(foreignFile).as("not a file the library made").exists();
    }

    @Test
    void aCacheOverItsMaximumSizeLosesWhatNobodyUsesLeastRecentlyUsedFirst() throws Exception {
        Path oldest = version("postgres-16.1.0-linux-x86_64-00000001", Duration.ofDays(3), 1 << 20);
        Path older = cluster("pg16-00000002", Duration.ofDays(2), 1 << 20);
        Path newest = version("postgres-16.2.0-linux-x86_64-00000003", Duration.ofDays(1), 1 << 20);
        Path oldestOfAll = template("pg16-00000004", Duration.ofDays(4), 1 << 20);
        long inUse = size(installation());

        try (EmbeddedServer server = start(new CacheLimits(Duration.ofDays(30), inUse + (3 << 19)))) {
            assertThat(query(server, "SELECT 1")).isEqualTo("1");
        }

        assertThat(oldestOfAll).doesNotExist();
        assertThat(oldest).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(newest).as("the cache fits its maximum size without it").exists();
        assertThat(installation()).as("the binaries in use").exists();
    }

    @Test
    void theCachesDataDirectoryIsCreatedAnewOnceItAloneOutgrowsTheCacheAndNobodyUsesIt() throws Exception {
        Path dataDirectory;
        try (EmbeddedServer server = start(CacheLimits.DEFAULT)) {
            dataDirectory = server.dataDirectory();
            try (Connection c = server.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE marker");
            }
        }
        try (EmbeddedServer server = start(CacheLimits.DEFAULT)) {
            assertThat(query(server, "SELECT count(*) FROM pg_database WHERE datname = 'marker'"))
                    .as("kept from the first start")
                    .isEqualTo("1");
        }
        Files.delete(cache.resolve(".last-collection")); // as if the last collection were long ago

        try (EmbeddedServer server = start(new CacheLimits(Duration.ofDays(30), 1 << 20))) {
            assertThat(server.dataDirectory()).isEqualTo(dataDirectory);
            assertThat(query(server, "SELECT count(*) FROM pg_database WHERE datname = 'marker'"))
                    .as("a new cluster")
                    .isEqualTo("0");
        }
    }

    @Test
    void aDataDirectoryAnotherServerOfThisJvmUsesIsNeverCollected() throws Exception {
        Path used = cache.resolve("clusters").resolve("pg18-00000000");
        try (EmbeddedServer first = start(used, CacheLimits.DEFAULT)) {
            Files.setLastModifiedTime(
                    sibling(used, ".lock"), FileTime.from(Instant.now().minus(OLD)));
            Files.delete(cache.resolve(".last-collection"));

            try (EmbeddedServer second = start(new CacheLimits(Duration.ofDays(30), 1 << 20))) {
                assertThat(second.dataDirectory()).isNotEqualTo(used);
                assertThat(used.resolve("PG_VERSION")).exists();
                assertThat(query(first, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    private EmbeddedServer start(CacheLimits limits) {
        return start(null, limits);
    }

    /** A server on {@code dataDirectory}, or on the cache's own data directory when it is null. */
    private EmbeddedServer start(Path dataDirectory, CacheLimits limits) {
        return EmbeddedServer.start(new EmbeddedServer.Options(
                dataDirectory,
                cache,
                Optional.empty(),
                20,
                Map.of(),
                TestCaches.sharedBinaries(),
                false,
                limits,
                Duration.ZERO));
    }

    /** The installation of the binaries this JVM's servers use. */
    private static Path installation() throws IOException {
        return TestCaches.installation();
    }

    /** A version of the binaries unpacked in the cache, last used {@code age} ago, of {@code bytes}. */
    private Path version(String name, Duration age, int bytes) throws IOException {
        Path dir = Files.createDirectories(
                        cache.resolve("binaries").resolve(name).resolve("bin"))
                .getParent();
        Files.write(dir.resolve("bin").resolve("postgres"), new byte[bytes]);
        Files.createFile(dir.resolve(".complete"));
        Files.setLastModifiedTime(
                Files.createFile(sibling(dir, ".lock")),
                FileTime.from(Instant.now().minus(age)));
        return dir;
    }

    /** A data directory of the cache, with its log, last used {@code age} ago, of {@code bytes}. */
    private Path cluster(String name, Duration age, int bytes) throws IOException {
        Path dir = Files.createDirectories(cache.resolve("clusters").resolve(name));
        Files.writeString(dir.resolve("PG_VERSION"), "17\n");
        Files.write(dir.resolve("base"), new byte[bytes]);
        Files.writeString(sibling(dir, ".log"), "a log\n");
        Files.setLastModifiedTime(
                Files.createFile(sibling(dir, ".lock")),
                FileTime.from(Instant.now().minus(age)));
        return dir;
    }

    /** An initdb template of the cache, last used {@code age} ago, of {@code bytes}. */
    private Path template(String name, Duration age, int bytes) throws IOException {
        Path dir = Files.createDirectories(cache.resolve("initdb").resolve(name));
        Files.writeString(dir.resolve("PG_VERSION"), "17\n");
        Files.writeString(dir.resolve("lakebase-junit.password"), "secret\n");
        Files.write(dir.resolve("base"), new byte[bytes]);
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(age)));
        return dir;
    }

    private static Path aged(Path file, Duration age) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "secret\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private static Path sibling(Path dir, String suffix) {
        return dir.resolveSibling(dir.getFileName() + suffix);
    }

    private static long size(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                total[0] += attributes.size();
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static String query(EmbeddedServer server, String sql) throws Exception {
        return TestCaches.query(server, sql);
    }
}
