package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer.Options;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded server on its own: persistent and shared data directories, refusals, and who it runs as. */
class EmbeddedServerTests {

    private Path work;

    @BeforeEach
    void workDirectory() throws IOException {
        work = TestCaches.newDirectory("embedded-tests-");
    }

    @AfterEach
    void deleteWorkDirectory() throws IOException {
        PostgresBinaries.deleteRecursively(work);
    }

    private EmbeddedServer start(Path dataDirectory) {
        return EmbeddedServer.start(new EmbeddedServer.Options(
                dataDirectory,
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                Optional.empty(),
                50,
                Map.of("work_mem", "8MB")));
    }

    @Test
    void aPersistentDataDirectoryIsReusedWithItsPassword() throws Exception {
        Path data = work.resolve("pgdata");
        String password;
        try (EmbeddedServer server = start(data)) {
            password = server.password();
            try (Connection c = server.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE survives_restart");
            }
        }
        assertThat(Files.getPosixFilePermissions(data.resolve("lakebase-junit.password")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (EmbeddedServer server = start(data)) {
            assertThat(server.password()).isEqualTo(password);
            assertThat(query(server, "SELECT count(*) FROM pg_database WHERE datname = 'survives_restart'"))
                    .isEqualTo("1");
            assertThat(query(server, "SHOW work_mem")).isEqualTo("8MB");
            assertThat(query(server, "SHOW file_copy_method")).isEqualTo("clone");
            assertThat(query(server, "SHOW fsync")).isEqualTo("off");
        }
        assertThat(data.resolve("PG_VERSION")).exists();
    }

    @Test
    void aServerSaysThatItStartsEmptyOnANewClusterOnly() {
        Path data = work.resolve("pgdata");
        Options options = new EmbeddedServer.Options(
                data, Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"), Optional.empty(), 50, Map.of());
        List<Boolean> saidWhileStarting = new ArrayList<>();
        Runnable startsEmpty = () -> saidWhileStarting.add(PidFiles.runsOn(data));
        try (EmbeddedServer server = EmbeddedServer.start(options, startsEmpty)) {
            assertThat(server.running()).isTrue();
        }
        assertThat(saidWhileStarting).as("said once, before the server ran").containsExactly(false);

        try (EmbeddedServer server = EmbeddedServer.start(options, startsEmpty)) {
            assertThat(server.running()).isTrue();
        }
        assertThat(saidWhileStarting)
                .as("not said again: the cluster holds what the first run left")
                .hasSize(1);

        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"); // binaries unpacked once
        try (EmbeddedServer server = EmbeddedServer.start(
                new EmbeddedServer.Options(null, cache, Optional.empty(), 50, Map.of()), startsEmpty)) {
            assertThat(server.running()).isTrue();
        }
        assertThat(saidWhileStarting)
                .as("said for a temporary data directory, which is new")
                .hasSize(2);
    }

    @Test
    void aTemporaryDataDirectoryIsDeletedAtClose() {
        Path data;
        try (EmbeddedServer server = start(null)) {
            data = server.dataDirectory();
            assertThat(data.resolve("PG_VERSION")).exists();
            assertThat(server.copyOnWriteReport()).containsAnyOf("copy-on-write clones", "plain file copies");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void temporaryDirectoriesOfDeadJvmsAreSweptAndLiveOnesKept() throws Exception {
        Path data = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit", "data"));
        Path dead = Files.createTempDirectory(data, "pg-");
        Files.writeString(dead.resolve("PG_VERSION"), "18\n");
        Files.setLastModifiedTime(
                dead,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
        Path young = Files.createTempDirectory(data, "pg-");

        try (EmbeddedServer server = start(null)) {
            assertThat(dead).doesNotExist();
            assertThat(young).as("may belong to a JVM that is starting").exists();
            assertThat(server.dataDirectory()).exists();
        } finally {
            PostgresBinaries.deleteRecursively(young);
        }
    }

    @Test
    void itRunsAsAnUnprivilegedUserWhenTheJvmRunsAsRoot() throws Exception {
        try (EmbeddedServer server = start(null)) {
            Object owner = Files.getOwner(server.dataDirectory()).getName();
            if (OsUser.runningAsRoot()) {
                assertThat(owner).isIn("postgres", "nobody");
            } else {
                assertThat(owner).isEqualTo(System.getProperty("user.name"));
            }
            assertThat(query(server, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void aDirectoryWithOtherFilesIsLeftAlone() throws IOException {
        Path data = Files.createDirectories(work.resolve("not-a-cluster"));
        Files.writeString(data.resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> start(data))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("not empty")
                .hasMessageContaining("lakebase.embedded.data-directory")
                .matches(e -> ((ProviderException) e).isConfigurationError());
        assertThat(data.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void aClusterTheLibraryDidNotCreateIsLeftAlone() throws IOException {
        Path data = Files.createDirectories(work.resolve("foreign"));
        Files.writeString(data.resolve("PG_VERSION"), "18\n");

        assertThatThrownBy(() -> start(data))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("did not create");
        assertThat(data.resolve("PG_VERSION")).hasContent("18\n");
    }

    @Test
    void twoServersOnOneDataDirectoryShareOneProcessUntilTheLastIsClosed() throws Exception {
        Path data = work.resolve("shared");
        EmbeddedServer first = start(data);
        try (EmbeddedServer second = start(data)) {
            assertThat(second.port()).isEqualTo(first.port());
            assertThat(second.password()).isEqualTo(first.password());
            first.close();
            assertThat(second.running()).isTrue();
            assertThat(query(second, "SELECT 1")).isEqualTo("1");
        }
        assertThat(data.resolve("postmaster.pid"))
                .as("the last one stopped the server")
                .doesNotExist();
    }

    private static String query(EmbeddedServer server, String sql) throws SQLException {
        return TestCaches.query(server, sql);
    }
}
