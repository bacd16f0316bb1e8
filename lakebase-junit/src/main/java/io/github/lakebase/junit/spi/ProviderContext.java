package io.github.lakebase.junit.spi;

import java.util.Optional;

/**
 * What a {@link BranchProvider} is given: the configuration and the identity of the run.
 *
 * <pre>{@code
 * String url = context.required("lakebase.postgres.url");
 * }</pre>
 */
public interface ProviderContext {

    /**
     * A configuration value: a JUnit configuration parameter (which includes {@code -D} system
     * properties and {@code junit-platform.properties}), else the environment variable named after
     * the key ({@code lakebase.postgres.url} is {@code LAKEBASE_POSTGRES_URL}).
     *
     * @param key the configuration key
     * @return the trimmed, non-blank value
     */
    Optional<String> get(String key);

    /**
     * A configuration value that must be present.
     *
     * @param key the configuration key
     * @return the value
     * @throws ProviderException a configuration error naming the key, when absent
     */
    default String required(String key) {
        return get(key).orElseThrow(() ->
                ProviderException.configuration("The configuration key '" + key + "' is required by lakebase.provider="
                        + get("lakebase.provider").orElse("embedded") + "; set it in junit-platform.properties, "
                        + "as -D" + key + "=..., or as the environment variable "
                        + ProviderContext.environmentVariable(key) + "."));
    }

    /**
     * The id of this run, unique among live runs, recorded on every branch the run creates.
     *
     * @return a short lowercase id
     */
    String runId();

    /**
     * The prefix of every branch name the library creates ({@code lakebase.branch-prefix}).
     *
     * @return the prefix
     */
    String branchPrefix();

    /**
     * The class loader to load user classes (parent initializers) and resources from.
     *
     * @return the test class loader
     */
    ClassLoader classLoader();

    /**
     * The environment variable that stands for a configuration key.
     *
     * @param key a key such as {@code lakebase.embedded.data-directory}
     * @return {@code LAKEBASE_EMBEDDED_DATA_DIRECTORY}
     */
    static String environmentVariable(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
