package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@code postgres} provider, on an existing server: here an embedded one, reached by its admin URL. */
class PostgresProviderContractTests extends BranchProviderContract {

    private static BranchProvider server;
    private static Map<String, String> configuration;

    @BeforeAll
    static void startServer() {
        server = SharedServer.provider("embedded", new ContractContext("postgresserver", SharedServer.TEMPORARY));
        BranchConnection superuser = SharedServer.superuser(server);
        configuration = Map.of(
                "lakebase.postgres.url", superuser.jdbcUrl(),
                "lakebase.postgres.username", superuser.username(),
                "lakebase.postgres.password", superuser.password());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected BranchProvider createProvider(ProviderContext context) {
        return SharedServer.provider("postgres", context);
    }

    @Override
    protected Map<String, String> configuration() {
        return configuration;
    }
}
