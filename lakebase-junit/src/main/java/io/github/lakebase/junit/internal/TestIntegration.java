package io.github.lakebase.junit.internal;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * A test framework that shares the tests' branches with components of its own, such as the
 * application context of a Spring test; found with {@link java.util.ServiceLoader}.
 *
 * <p>Not API: {@code lakebase-junit-spring} implements it, and it changes with the library. An
 * implementation lists itself in {@code META-INF/services/io.github.lakebase.junit.internal.TestIntegration}:
 *
 * <pre>{@code
 * public final class SpringIntegration implements TestIntegration {
 *     public Optional<String> forkSource(ExtensionContext holder, String from, List<String> migrations) {
 *         return contextOf(holder).map(ContextBranches::sealedBase);   // what the context ran at start-up
 *     }
 * }
 * }</pre>
 */
public interface TestIntegration {

    /**
     * The branch to fork the test branches of {@code holder} from, instead of the migrated base of
     * {@code from} and {@code migrations} (as declared, maybe empty for the defaults), when this
     * integration has staged one from that base with {@link TestBranches#stage}. Never asked for a
     * point-in-time branch.
     */
    default Optional<String> forkSource(ExtensionContext holder, String from, List<String> migrations) {
        return Optional.empty();
    }

    /**
     * Whether the integration resolves this parameter itself (a Spring {@code @Autowired} one, say);
     * the extension then leaves it alone unless the parameter has a {@code @LakebaseBranch} of its own.
     */
    default boolean resolvesParameter(ParameterContext parameter, ExtensionContext context) {
        return false;
    }
}
