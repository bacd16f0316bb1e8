package io.github.lakebase.junit.integration;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.github.lakebase.junit.Branch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What {@link TestBranches} and {@link OwnedBranches} ask of the library's engine. The engine
 * implements it and lists itself in {@code META-INF/services}; nothing else should, and code outside
 * the library calls the static methods of {@link TestBranches} instead.
 *
 * <pre>{@code
 * BranchEngine engine = ServiceLoader.load(BranchEngine.class).findFirst().orElseThrow();
 * }</pre>
 */
@API(status = INTERNAL, since = "0.1")
public interface BranchEngine {

    /**
     * The innermost test or class that the calling thread runs with the extension.
     *
     * @return its context, or empty
     */
    Optional<ExtensionContext> currentContext();

    /**
     * The branch called {@code name} of what {@code context} runs, created unless it exists.
     *
     * @param context a test's or a class's context
     * @param name the branch's name within the test, {@code ""} for the unnamed one
     * @return the branch, or empty when no declaration governs {@code context}
     */
    Optional<Branch> branchOf(ExtensionContext context, String name);

    /**
     * Whether {@code branch} is one of the library's and still in use.
     *
     * @param branch any branch
     * @return {@code false} once it is destroyed or kept, and for branches the library did not create
     */
    boolean isOpen(Branch branch);

    /**
     * What a class declares as its base.
     *
     * @param testClass a test class
     * @return the declaration on it or a class around it, or empty
     */
    Optional<BaseSpec> declaredOn(Class<?> testClass);

    /**
     * Forks a base to stage from the migrated base of {@code spec}.
     *
     * @param context gives the configuration
     * @param spec the base to fork from
     * @param hint words for the staged base's name
     * @param work the work the caller runs on it, to keep the sealed base for later runs; {@code null} for none
     * @return the staged base
     */
    StagedBase stage(ExtensionContext context, BaseSpec spec, String hint, StartupWork work);

    /**
     * Forks a base to stage from the parent {@code from} as it is, unmigrated.
     *
     * @param context gives the configuration
     * @param from the parent as written, {@code ""} for the default
     * @param hint words for the staged base's name
     * @param work the work the caller runs on it, to keep the sealed base for later runs; {@code null} for none
     * @return the staged base
     */
    StagedBase stageFromParent(ExtensionContext context, String from, String hint, StartupWork work);

    /**
     * Opens a connection to a live test branch of this run, refusing anything else.
     *
     * @param branch the branch
     * @param tool what asks, for the messages
     * @return a new connection, which the caller closes
     * @throws SQLException when the connection cannot be opened
     */
    Connection openVerified(Branch branch, String tool) throws SQLException;
}
