package io.github.lakebase.junit.internal.cli;

import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.config.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The project's configuration, read as its tests read it: system properties first, then the first {@code
 * junit-platform.properties} on the class path (as the JUnit Platform does), then environment variables.
 *
 * <pre>{@code
 * Configuration config = ProjectConfiguration.read(Thread.currentThread().getContextClassLoader(), Map.of());
 * }</pre>
 */
final class ProjectConfiguration {

    private ProjectConfiguration() {}

    /**
     * The configuration of the project whose test class path {@code loader} sees.
     *
     * @param loader the test class loader
     * @param overrides parameters that win over everything (a test's own)
     * @return the configuration
     */
    static Configuration read(ClassLoader loader, Map<String, String> overrides) {
        Properties file = new Properties();
        try (InputStream in = loader.getResourceAsStream("junit-platform.properties")) {
            if (in != null) {
                file.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read junit-platform.properties: " + e.getMessage(), e);
        }
        return new Configuration(
                key -> Optional.ofNullable(overrides.get(key))
                        .or(() -> Optional.ofNullable(System.getProperty(key)))
                        .or(() -> Optional.ofNullable(file.getProperty(key))),
                System.getenv(),
                BranchService.RUN_ID,
                loader);
    }
}
