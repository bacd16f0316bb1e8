package io.github.lakebase.junit.internal.databricks;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.Map;
import java.util.Optional;

/** Reads {@link DatabricksSettings} from a map of configuration parameters, for tests of the messages. */
final class LakebaseSettingsProbe {

    private LakebaseSettingsProbe() {}

    static DatabricksSettings settings(Map<String, String> parameters) {
        Map<String, String> withProvider = new java.util.HashMap<>(parameters);
        withProvider.putIfAbsent("lakebase.provider", "databricks");
        return DatabricksSettings.of(new Configuration(
                key -> Optional.ofNullable(withProvider.get(key)),
                Map.of(),
                "probe",
                LakebaseSettingsProbe.class.getClassLoader()));
    }

    /** The message of the configuration error that reading {@code parameters} gives. */
    static String failure(Map<String, String> parameters) {
        try {
            settings(parameters);
        } catch (ProviderException e) {
            if (!e.isConfigurationError()) {
                throw new AssertionError("not a configuration error", e);
            }
            return e.getMessage();
        }
        throw new AssertionError("no configuration error for " + parameters);
    }
}
