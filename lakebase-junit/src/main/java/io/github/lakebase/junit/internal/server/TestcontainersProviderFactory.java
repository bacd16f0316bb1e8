package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import java.util.Optional;

/**
 * {@code lakebase.provider=testcontainers}: a {@code PostgreSQLContainer} as the server, for an image
 * with extensions the embedded binaries lack (PostGIS, pgvector...). Needs
 * {@code org.testcontainers:testcontainers-postgresql} on the test class path and a Docker engine.
 */
public final class TestcontainersProviderFactory implements BranchProviderFactory {

    public static final String IMAGE = "lakebase.testcontainers.image";
    static final String DEFAULT_IMAGE = "postgres:18";
    private static final String CONTAINER_CLASS = "org.testcontainers.postgresql.PostgreSQLContainer";

    @Override
    public String id() {
        return "testcontainers";
    }

    @Override
    public Optional<String> unavailableReason(ProviderContext context) {
        if (!onClassPath(context)) {
            return Optional.of("lakebase.provider=testcontainers needs org.testcontainers:testcontainers-postgresql "
                    + "(2.x) on the test class path; add it as a test dependency.");
        }
        return ContainerServer.dockerUnavailableReason();
    }

    @Override
    public BranchProvider create(ProviderContext context) {
        unavailableReason(context).ifPresent(reason -> {
            throw new io.github.lakebase.junit.spi.ProviderException(reason, null);
        });
        context.serverStartsEmpty(); // a new container each run: the first test builds its base
        return new TemplateBranchProvider(
                ContainerServer.start(context.get(IMAGE).orElse(DEFAULT_IMAGE)), context, "template1");
    }

    private static boolean onClassPath(ProviderContext context) {
        try {
            Class.forName(CONTAINER_CLASS, false, TestcontainersProviderFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
