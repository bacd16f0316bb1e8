package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Creates a {@link BranchProvider} for {@code lakebase.provider=<id>}. Found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.github.lakebase.junit.spi.BranchProviderFactory}.
 *
 * <pre>{@code
 * public final class MyProviderFactory implements BranchProviderFactory {
 *     public String id() { return "my-cloud"; }
 *     public BranchProvider create(ProviderContext context) { return new MyProvider(context); }
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BranchProviderFactory {

    /**
     * The value of {@code lakebase.provider} that selects this factory.
     *
     * @return the provider id, lowercase
     */
    String id();

    /**
     * Why the provider cannot work here (no Docker engine, no credentials, a missing dependency),
     * checked cheaply before any test. With {@code lakebase.disabled-when-unavailable=true} tests
     * are skipped with this reason instead of failing.
     *
     * @param context the configuration
     * @return the reason, or empty when the provider can work
     */
    default Optional<String> unavailableReason(ProviderContext context) {
        return Optional.empty();
    }

    /**
     * Creates the provider; may start a server. Called once per run and configuration.
     *
     * @param context the configuration and the run's identity
     * @return a ready provider
     */
    BranchProvider create(ProviderContext context);
}
