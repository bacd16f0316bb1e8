package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.integration.TestIntegration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TestIntegration}s on the class path, loaded once; one whose framework is missing (the
 * Spring module without Spring) is skipped.
 *
 * <pre>{@code
 * String source = Integrations.forkSource(holder, spec).orElse(null);
 * }</pre>
 */
final class Integrations {

    private static final Logger LOG = LoggerFactory.getLogger(Integrations.class);
    private static final List<TestIntegration> LOADED = load();

    private Integrations() {}

    /** The source an integration staged for the branch {@code spec} of {@code holder}, if any. */
    static Optional<String> forkSource(ExtensionContext holder, BranchSpec spec) {
        if (spec.asOf() != null) {
            return Optional.empty();
        }
        for (TestIntegration integration : LOADED) {
            Optional<String> source = integration.forkSource(holder, spec.name(), spec.base());
            if (source.isPresent()) {
                return source;
            }
        }
        return Optional.empty();
    }

    /** Whether an integration resolves {@code parameter} itself. */
    static boolean resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return LOADED.stream().anyMatch(i -> i.resolvesParameter(parameter, context));
    }

    private static List<TestIntegration> load() {
        List<TestIntegration> found = new ArrayList<>();
        var providers = ServiceLoader.load(TestIntegration.class, TestIntegration.class.getClassLoader())
                .iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return List.copyOf(found);
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.debug("Skipping a test integration that cannot load: {}", e.toString());
            }
        }
    }
}
