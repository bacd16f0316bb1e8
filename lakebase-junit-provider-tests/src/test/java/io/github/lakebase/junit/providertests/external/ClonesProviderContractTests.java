package io.github.lakebase.junit.providertests.external;

import io.github.lakebase.junit.providertests.BranchProviderContract;
import io.github.lakebase.junit.providertests.ContractContext;
import io.github.lakebase.junit.providertests.SharedServer;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A provider written outside the library, with only the SPI, passes the same suite as the in-tree
 * ones, renamed spares and kept bases included. Its server is an embedded one; the superuser's
 * connection details come from a database the embedded provider creates.
 */
class ClonesProviderContractTests extends BranchProviderContract {

    private static BranchProvider server;
    private static Map<String, String> configuration;

    @BeforeAll
    static void startServer() {
        server = SharedServer.provider("embedded", new ContractContext("clonesserver", SharedServer.TEMPORARY));
        BranchConnection admin = SharedServer.superuser(server);
        configuration = Map.of(
                "clones.url", admin.jdbcUrl(),
                "clones.user", admin.username(),
                "clones.password", admin.password());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected BranchProvider createProvider(ProviderContext context) {
        return new ClonesProvider(context);
    }

    @Override
    protected Map<String, String> configuration() {
        return configuration;
    }
}
