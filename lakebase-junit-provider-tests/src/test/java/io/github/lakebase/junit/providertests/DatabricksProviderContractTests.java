package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@code databricks} provider on the fake Lakebase workspace of lakebase-junit's tests (a local
 * server that follows the SDK's {@code postgres} API, whose branches are real databases).
 */
class DatabricksProviderContractTests extends BranchProviderContract {

    private static final FakeLakebase FAKE = FakeLakebase.start();
    private static final FakeProject PROJECT = FAKE.createProject("contract", "production", "");

    private final List<BranchProvider> dead = new ArrayList<>();

    @Override
    protected BranchProvider createProvider(ProviderContext context) {
        return SharedServer.provider("databricks", context);
    }

    @Override
    protected Map<String, String> configuration() {
        return FAKE.configuration("contract");
    }

    /**
     * Its branches show no update for half an hour, as those of a run whose heartbeat stopped: the provider
     * proves a run dead by time, and deletes its branches when it closes.
     */
    @Override
    protected void die(Run run) {
        for (FakeBranch b : PROJECT.branches()) {
            if (b.id().contains(run.context().runId())) {
                b.times(
                        b.createTime().minus(Duration.ofMinutes(30)),
                        b.updateTime().minus(Duration.ofMinutes(30)),
                        b.expireTime());
            }
        }
        dead.add(run.provider());
    }

    @AfterEach
    void closeDeadRuns() {
        dead.forEach(BranchProvider::close);
        dead.clear();
    }
}
