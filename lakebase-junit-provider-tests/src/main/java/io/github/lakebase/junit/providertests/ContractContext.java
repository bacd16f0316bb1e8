package io.github.lakebase.junit.providertests;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.lakebase.junit.spi.ProviderContext;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A {@link ProviderContext} for the provider suite: a fixed configuration, a run id of the test's
 * choosing (two contexts with two ids stand for two runs), and the default name prefix.
 *
 * <pre>{@code
 * BranchProvider provider = factory.create(new ContractContext("runa1b2", Map.of("lakebase.postgres.url", url)));
 * }</pre>
 *
 * @param runId the run's id: a lowercase letter, then lowercase letters and digits
 * @param configuration configuration keys and values; absent keys are empty
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ContractContext(String runId, Map<String, String> configuration) implements ProviderContext {

    /**
     * Copies the configuration.
     *
     * @param runId the run's id
     * @param configuration configuration keys and values
     */
    public ContractContext {
        configuration = Map.copyOf(configuration);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(configuration.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public String branchPrefix() {
        return get("lakebase.branch-prefix").orElse("lbj_");
    }

    @Override
    public ClassLoader classLoader() {
        return Thread.currentThread().getContextClassLoader();
    }
}
