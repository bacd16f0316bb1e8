package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.CONFIG_FILE;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.PROFILE;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Databricks unified authentication for the provider: the SDK's own resolution of
 * {@code DATABRICKS_HOST} and {@code DATABRICKS_TOKEN}, OAuth M2M, and profiles of
 * {@code ~/.databrickscfg}, with the profile and file optionally named in the library's configuration.
 */
final class DatabricksAuth {

    /**
     * The resolved configuration, or why there is none, per profile and file: resolved once per JVM.
     * {@code DatabricksConfig.resolve()} reads the environment and files and asks the workspace for its
     * configuration (a discovery call) each time it is called, and a {@code WorkspaceClient} calls it when
     * it is made: one client, made once, serves every provider of the JVM.
     */
    private static final Map<List<String>, Resolution> RESOLVED = new ConcurrentHashMap<>();

    private DatabricksAuth() {}

    /** A resolved configuration and its client, or why resolving failed. */
    private record Resolution(DatabricksConfig config, WorkspaceClient client, RuntimeException failure) {}

    /**
     * A client of the workspace, resolved and authenticated, with the SDK's own retries off:
     * the provider retries itself, with its own bounds, and re-checks creations before retrying them.
     */
    static WorkspaceClient client(ProviderContext context) {
        Resolution resolution = resolve(context);
        if (resolution.config() == null) {
            throw new ProviderException(noCredentials(resolution.failure()), resolution.failure());
        }
        return resolution.client();
    }

    /** Why no workspace can be reached with these settings, or empty when authentication works. */
    static Optional<String> unavailableReason(ProviderContext context) {
        Resolution resolution = resolve(context);
        return resolution.config() == null ? Optional.of(noCredentials(resolution.failure())) : Optional.empty();
    }

    private static Resolution resolve(ProviderContext context) {
        List<String> key = List.of(
                context.get(PROFILE).orElse(""), context.get(CONFIG_FILE).orElse(""));
        return RESOLVED.computeIfAbsent(key, k -> {
            DatabricksConfig config = unresolved(context);
            try {
                WorkspaceClient client = new WorkspaceClient(config); // resolves the configuration
                config.authenticate();
                return new Resolution(config, client, null);
            } catch (RuntimeException e) { // DatabricksException, or the client's own set-up failing
                return new Resolution(null, null, e);
            }
        });
    }

    private static DatabricksConfig unresolved(ProviderContext context) {
        DatabricksConfig config = new DatabricksConfig().setDisableRetries(true).setHttpTimeoutSeconds(60);
        context.get(PROFILE).ifPresent(config::setProfile);
        context.get(CONFIG_FILE).ifPresent(config::setConfigFile);
        return config;
    }

    private static String noCredentials(RuntimeException e) {
        return "lakebase.provider=databricks found no usable Databricks credentials (" + e.getMessage() + "). Set "
                + "DATABRICKS_HOST and DATABRICKS_TOKEN, or DATABRICKS_HOST with DATABRICKS_CLIENT_ID and "
                + "DATABRICKS_CLIENT_SECRET for a service principal, or name a profile of ~/.databrickscfg with "
                + PROFILE + ".";
    }
}
