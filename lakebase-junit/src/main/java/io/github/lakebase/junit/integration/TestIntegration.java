package io.github.lakebase.junit.integration;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * A test framework that shares the tests' branches with components of its own, such as the
 * application context of a Spring test; found with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.github.lakebase.junit.integration.TestIntegration}.
 *
 * <pre>{@code
 * public final class SpringIntegration implements TestIntegration {
 *     public Optional<String> forkSource(ExtensionContext holder, String branchName, BaseSpec base) {
 *         return contextOf(holder).flatMap(branches -> branches.sealedBase(base));
 *     }
 * }
 * }</pre>
 *
 * <p>An integration whose framework is not on the class path is skipped. Methods are called on the
 * threads that run tests, concurrently when tests run in parallel.
 */
public interface TestIntegration {

    /**
     * The branch to fork a test branch of {@code holder} from, instead of the migrated base of
     * {@code base}, when this integration has staged one from that base with {@link TestBranches#stage}.
     * Never asked for a point-in-time branch.
     *
     * @param holder the context whose store holds the branch (a test method's, or a class's)
     * @param branchName the branch's name within the test ({@code ""} for the unnamed one)
     * @param base the base the test declares
     * @return the name of a sealed base, or empty to fork from {@code base}'s migrated base
     */
    default Optional<String> forkSource(ExtensionContext holder, String branchName, BaseSpec base) {
        return Optional.empty();
    }

    /**
     * Whether the integration resolves this parameter itself (a Spring {@code @Autowired} one, say);
     * the extension then leaves it alone unless the parameter has a {@code @LakebaseBranch} of its own.
     *
     * @param parameter the parameter JUnit asks about
     * @param context the context it is resolved in
     * @return {@code true} when the integration resolves it
     */
    default boolean resolvesParameter(ParameterContext parameter, ExtensionContext context) {
        return false;
    }
}
