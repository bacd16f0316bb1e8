package io.github.lakebase.junit.providertests;

import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@code neon} provider on the fake Neon of lakebase-junit's tests (a local server that follows Neon's
 * OpenAPI description, whose branches are real databases).
 */
class NeonProviderContractTests extends BranchProviderContract {

    private static final FakeNeon FAKE = FakeNeon.start();
    private static final NeonFakeProject PROJECT = FAKE.createProject("contract", "main", "");

    private final List<BranchProvider> dead = new ArrayList<>();

    @Override
    protected BranchProvider createProvider(ProviderContext context) {
        return SharedServer.provider("neon", context);
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
        for (NeonFakeBranch b : PROJECT.branches()) {
            if (b.name().contains(run.context().runId())) {
                b.updated(Instant.now().minus(Duration.ofMinutes(30)), b.expiresAt());
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
