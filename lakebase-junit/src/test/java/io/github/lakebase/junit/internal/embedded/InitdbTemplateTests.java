package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new data directory is a copy of the cluster initdb made once for the binaries, kept in the cache's
 * {@code initdb/}: the copy is a whole cluster of the server's OS user with a superuser password of its own, a copy stopped half-way and a template
 * that is not whole are made again, and JVMs that start at once end with one template between them.
 */
class InitdbTemplateTests {

    private Path cache;

    @BeforeEach
    void cacheDirectory() throws IOException {
        cache = TestCaches.newDirectory("initdb-tests-");
    }

    @AfterEach
    void deleteCache() throws IOException {
        PostgresBinaries.deleteRecursively(cache);
    }

    @Test
    void aNewDataDirectoryIsACopyOfTheClusterInitdbMadeOnceForTheseBinaries() throws Exception {
        try (EmbeddedServer first = start(cache.resolve("mine").resolve("one"));
                EmbeddedServer second = start(cache.resolve("mine").resolve("two"));
                EmbeddedServer temporary = start(null)) {
            // initdb gives every cluster it makes an identifier of its own (pg_control's system identifier).
            String made = systemIdentifier(first);
            assertThat(systemIdentifier(second)).isEqualTo(made);
            assertThat(systemIdentifier(temporary)).isEqualTo(made);
            assertThat(templates()).hasSize(1);
            assertThat(templates().get(0).resolve("PG_VERSION")).hasContent(tools().majorVersion() + "\n");
            // Each copy's superuser has a password of its own (connect() below logs in with it).
            assertThat(List.of(first.password(), second.password(), temporary.password()))
                    .doesNotHaveDuplicates()
                    .doesNotContain(Files.readString(templates().get(0).resolve("lakebase-junit.password"))
                            .trim());

            for (EmbeddedServer server : List.of(first, second, temporary)) {
                Path data = server.dataDirectory();
                assertThat(Files.getOwner(data.resolve("global").resolve("pg_control")))
                        .isEqualTo(Files.getOwner(data));
                assertThat(Files.getPosixFilePermissions(data.resolve("base")))
                        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
                assertThat(Files.getPosixFilePermissions(data.resolve("lakebase-junit.password")))
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
                try (Connection c = server.connect("postgres");
                        Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE in_"
                            + data.getFileName().toString().replaceAll("\\W", "_"));
                }
            }
        }
    }

    @Test
    void aTemplateThatIsNotWholeIsMadeAgain() throws Exception {
        String before;
        try (EmbeddedServer server = start(null)) {
            before = systemIdentifier(server);
        }
        Path template = templates().get(0);
        Files.delete(template.resolve("PG_VERSION")); // a template that is not whole, however it came to be

        try (EmbeddedServer server = start(null)) {
            assertThat(systemIdentifier(server)).as("a new template").isNotEqualTo(before);
            assertThat(query(server, "SELECT 1")).isEqualTo("1");
        }
        assertThat(templates()).containsExactly(template);
        assertThat(template.resolve("PG_VERSION")).exists();
    }

    @Test
    void aCopyThatFailsIsUndoneAndTheDataDirectoryGetsAnInitdbOfItsOwn() throws Exception {
        String copied;
        try (EmbeddedServer server = start(null)) {
            copied = systemIdentifier(server);
        }
        // A file the copy cannot write, however it came to be: the data directory has it already (the copy's marker).
        Files.writeString(templates().get(0).resolve(InitdbTemplates.COPYING), "in the way\n");
        Path data = Files.createDirectories(cache.resolve("mine").resolve("fallback"));

        String made;
        try (EmbeddedServer server = start(data)) {
            made = systemIdentifier(server);
            assertThat(made).as("a cluster initdb made, not a copy").isNotEqualTo(copied);
        }
        assertThat(data.resolve(InitdbTemplates.COPYING))
                .as("left, the next start would take the cluster for a copy stopped half-way and empty it")
                .doesNotExist();
        try (EmbeddedServer again = start(data)) {
            assertThat(systemIdentifier(again)).as("the same cluster, kept").isEqualTo(made);
        }
    }

    @Test
    void aCopyStoppedHalfWayIsMadeAgainAtTheNextStart() throws Exception {
        Path data = Files.createDirectories(cache.resolve("mine").resolve("half"));
        // What a JVM killed during the copy leaves: the copy's marker and some of the template's files.
        Files.createFile(data.resolve("lakebase-junit.copying"));
        Files.writeString(Files.createDirectories(data.resolve("global")).resolve("pg_filenode.map"), "half");
        Files.writeString(data.resolve("PG_VERSION.copying"), "18\n");

        try (EmbeddedServer server = start(data)) {
            assertThat(query(server, "SELECT 1")).isEqualTo("1");
            assertThat(data.resolve("lakebase-junit.copying")).doesNotExist();
            assertThat(data.resolve("PG_VERSION.copying")).doesNotExist();
        }
    }

    @Test
    void serversThatStartAtOnceOnANewCacheEndWithOneTemplate() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch ready = new CountDownLatch(2);
        try {
            List<CompletableFuture<String>> started = List.of(
                    CompletableFuture.supplyAsync(() -> startTogether(ready), threads),
                    CompletableFuture.supplyAsync(() -> startTogether(ready), threads));
            assertThat(started.get(0).join())
                    .as("both copies of one template")
                    .isNotEmpty()
                    .isEqualTo(started.get(1).join());
        } finally {
            threads.shutdown();
        }
        assertThat(templates()).hasSize(1);
        try (var left = Files.list(cache.resolve("initdb"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no template half-made")
                    .allMatch(name -> !name.contains(".partial-"));
        }
    }

    private String startTogether(CountDownLatch ready) {
        ready.countDown();
        try {
            ready.await();
            try (EmbeddedServer server = start(null)) {
                return systemIdentifier(server);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server on {@code dataDirectory}, or on a temporary one, with this test's cache and the shared binaries. */
    private EmbeddedServer start(Path dataDirectory) {
        return EmbeddedServer.start(new EmbeddedServer.Options(
                dataDirectory,
                cache,
                Optional.empty(),
                20,
                Map.of(),
                binaries(),
                true,
                CacheLimits.DEFAULT,
                Duration.ZERO));
    }

    /** The templates in this test's cache. */
    private List<Path> templates() throws IOException {
        try (var entries = Files.list(cache.resolve("initdb"))) {
            return entries.filter(p -> p.getFileName().toString().matches("pg\\d+-[0-9a-f]{8}"))
                    .toList();
        }
    }

    private static PgTools tools() throws IOException {
        return new PgTools(TestCaches.installation(), OsUser.resolve(Optional.empty()));
    }

    private static Path binaries() {
        return TestCaches.sharedBinaries();
    }

    private static String systemIdentifier(EmbeddedServer server) throws Exception {
        return TestCaches.query(server, "SELECT system_identifier FROM pg_control_system()");
    }

    private static String query(EmbeddedServer server, String sql) throws Exception {
        return TestCaches.query(server, sql);
    }
}
