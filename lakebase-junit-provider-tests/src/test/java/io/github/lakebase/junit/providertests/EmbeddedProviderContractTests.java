package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderContext;
import java.util.Map;

/** The embedded provider, on a persistent data directory that every run of the suite shares. */
class EmbeddedProviderContractTests extends BranchProviderContract {

    @Override
    protected BranchProvider createProvider(ProviderContext context) {
        return SharedServer.provider("embedded", context);
    }

    @Override
    protected Map<String, String> configuration() {
        return SharedServer.CONFIGURATION;
    }
}
