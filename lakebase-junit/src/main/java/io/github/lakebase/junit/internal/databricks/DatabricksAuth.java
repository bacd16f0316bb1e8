package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.CONFIG_FILE;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.PROFILE;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
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

    /** What authentication found, per profile and file: asked for every test, settled once. */
    private static final Map<List<String>, Optional<String>> REASONS = new ConcurrentHashMap<>();

    private DatabricksAuth() {}

    /**
     * A configuration for the workspace, resolved and authenticated, with the SDK's own retries off:
     * the provider retries itself, with its own bounds, and re-checks creations before retrying them.
     */
    static DatabricksConfig config(ProviderContext context) {
        DatabricksConfig config = unresolved(context);
        try {
            config.resolve();
            config.authenticate();
            return config;
        } catch (DatabricksException e) {
            throw new ProviderException(noCredentials(e), e);
        }
    }

    /** Why no workspace can be reached with these settings, or empty when authentication works. */
    static Optional<String> unavailableReason(ProviderContext context) {
        List<String> key = List.of(
                context.get(PROFILE).orElse(""), context.get(CONFIG_FILE).orElse(""));
        return REASONS.computeIfAbsent(key, k -> {
            DatabricksConfig config = unresolved(context);
            try {
                config.resolve();
                config.authenticate();
                return Optional.empty();
            } catch (DatabricksException | IllegalArgumentException e) {
                return Optional.of(noCredentials(e));
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
