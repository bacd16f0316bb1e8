package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BranchConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container as a {@link PostgresServer}. Loaded only when
 * {@code lakebase.provider=testcontainers} is chosen, so Testcontainers stays optional.
 */
final class ContainerServer implements PostgresServer {

    private final PostgreSQLContainer container;

    private ContainerServer(PostgreSQLContainer container) {
        this.container = container;
    }

    static Optional<String> dockerUnavailableReason() {
        try {
            return DockerClientFactory.instance().isDockerAvailable()
                    ? Optional.empty()
                    : Optional.of(
                            "lakebase.provider=testcontainers needs a running Docker engine, and none was found.");
        } catch (RuntimeException e) {
            return Optional.of("lakebase.provider=testcontainers needs a running Docker engine: " + e.getMessage());
        }
    }

    @SuppressWarnings("resource")
    static ContainerServer start(String image) {
        PostgreSQLContainer container = new PostgreSQLContainer(
                        DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                .withCommand(
                        "postgres",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=300");
        container.start();
        return new ContainerServer(container);
    }

    @Override
    public boolean outlivesJvm() {
        return false;
    }

    @Override
    public Connection connectAdmin() throws SQLException {
        return BranchConnection.of(jdbcUrl("postgres"), container.getUsername(), container.getPassword())
                .open();
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + database;
    }

    @Override
    public String username() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String describe() {
        return "PostgreSQL container " + container.getDockerImageName() + " on " + container.getHost() + ":"
                + container.getMappedPort(5432);
    }

    @Override
    public void close() {
        container.stop();
    }
}
