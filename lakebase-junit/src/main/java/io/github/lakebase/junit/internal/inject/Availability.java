package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.branching.ProviderFactories;
import io.github.lakebase.junit.internal.config.Configuration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Whether a test's provider can work on this machine, for {@code lakebase.disabled-when-unavailable}:
 * without a Docker engine or cloud credentials, tests are skipped with the reason instead of failing.
 *
 * <pre>{@code
 * Optional<String> reason = Availability.unavailableReason(context);   // empty unless the key is set
 * }</pre>
 */
public final class Availability {

    private Availability() {}

    /**
     * Why the tests of {@code context} should be skipped, when {@code lakebase.disabled-when-unavailable=true}
     * and the provider cannot work here.
     *
     * @param context the test's or class's context, for its configuration
     * @return the reason, or empty to run the tests
     * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException when the configuration is wrong
     */
    public static Optional<String> unavailableReason(ExtensionContext context) {
        return unavailableReason(BranchStore.configuration(context));
    }

    /**
     * Why the tests of a run of {@code config} should be skipped, as {@link #unavailableReason(ExtensionContext)}.
     *
     * @param config the run's configuration
     * @return the reason, or empty to run the tests
     * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException when the configuration is wrong
     */
    static Optional<String> unavailableReason(Configuration config) {
        return BranchStore.configurationErrors(() -> config.disabledWhenUnavailable()
                ? ProviderFactories.find(config.providerId(), config.classLoader())
                        .unavailableReason(config)
                : Optional.empty());
    }

    /**
     * Starts the provider of a test class's configuration in the background, at the class's {@code beforeAll}
     * callback (or as its one instance is made, for {@code @TestInstance(PER_CLASS)}), once its conditions have
     * passed: the server starts while JUnit and the class set themselves up ({@code @BeforeAll} methods, a
     * Spring context), and the first test waits only for what is left of the start; and reads the migrations of the
     * branches the class declares for its tests in the background too, which needs no server. Never throws: a start
     * that fails fails the tests that ask for a branch, with its reason.
     *
     * @param context the class's context; a test method's is ignored
     */
    public static void startEarly(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            BaseSpec base;
            try {
                base = context.getTestClass()
                        .flatMap(Declarations::forClass)
                        .map(Declarations.ClassDeclaration::spec)
                        .filter(spec -> spec.asOf() == null)
                        .map(BranchSpec::base)
                        .orElse(null);
            } catch (RuntimeException e) {
                base = null; // a wrong declaration: the class's first test says what is wrong
            }
            BranchService.startEarly(BranchStore.configuration(context), base);
        }
    }
}
