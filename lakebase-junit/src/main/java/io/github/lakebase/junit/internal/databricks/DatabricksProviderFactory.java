package io.github.lakebase.junit.internal.databricks;

import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.Optional;

/**
 * {@code lakebase.provider=databricks}: every test gets a real copy-on-write branch of a Databricks
 * Lakebase project, through the {@code postgres} API of the Databricks SDK for Java, with Databricks
 * unified authentication ({@code DATABRICKS_HOST} and {@code DATABRICKS_TOKEN}, OAuth M2M, or a
 * profile of {@code ~/.databrickscfg}).
 *
 * <p>The SDK ({@code com.databricks:databricks-sdk-java}) is an optional dependency of the library:
 * this class never touches its classes unless it is on the class path, and says which dependency to
 * add when it is not.
 *
 * <pre>{@code
 * # src/test/resources/junit-platform.properties
 * lakebase.provider=databricks
 * lakebase.databricks.project=orders-service
 * }</pre>
 */
public final class DatabricksProviderFactory implements BranchProviderFactory {

    /** The id of the Lakebase project whose branches are forked; required. */
    public static final String PROJECT = "lakebase.databricks.project";
    /** The branch forked when neither the annotation nor {@code lakebase.from} names one. */
    public static final String DEFAULT_PARENT = "lakebase.databricks.default-parent";
    /** The expiry of every branch, extended while the run lives. */
    public static final String BRANCH_TTL = "lakebase.databricks.branch-ttl";
    /** The longest wait for a long-running operation, and for retries of a throttled or failed call. */
    public static final String OPERATION_TIMEOUT = "lakebase.databricks.operation-timeout";
    /** The longest wait for a new branch's endpoint to have a host and accept a login. */
    public static final String ENDPOINT_TIMEOUT = "lakebase.databricks.endpoint-timeout";
    /** The most branches the run holds at once. */
    public static final String MAX_BRANCHES = "lakebase.databricks.max-branches";
    /** The longest wait of a test for a free branch. */
    public static final String SLOT_TIMEOUT = "lakebase.databricks.slot-timeout";
    /** The first wait between polls of an operation and before a retry; it grows up to ten times. */
    public static final String POLL_INTERVAL = "lakebase.databricks.poll-interval";
    /** The profile of the Databricks configuration file to authenticate with. */
    public static final String PROFILE = "lakebase.databricks.profile";
    /** The Databricks configuration file, instead of {@code ~/.databrickscfg}. */
    public static final String CONFIG_FILE = "lakebase.databricks.config-file";
    /** The endpoint of each branch to connect to. */
    public static final String ENDPOINT = "lakebase.databricks.endpoint";
    /** The database to connect to in each branch. */
    public static final String DATABASE = "lakebase.databricks.database";
    /** The PostgreSQL port of the endpoints. */
    public static final String PORT = "lakebase.databricks.port";
    /** The JDBC {@code sslmode} of connections to the endpoints. */
    public static final String SSL_MODE = "lakebase.databricks.sslmode";

    /** The dependency to add, as a user writes it. */
    static final String SDK_DEPENDENCY = "com.databricks:databricks-sdk-java";

    private static final String SDK_CLASS = "com.databricks.sdk.WorkspaceClient";
    private static final String SDK_VERSION = "0.141.0";

    @Override
    public String id() {
        return "databricks";
    }

    @Override
    public Optional<String> unavailableReason(ProviderContext context) {
        if (!sdkPresent()) {
            return Optional.of(missingSdk());
        }
        return DatabricksAuth.unavailableReason(context);
    }

    @Override
    public BranchProvider create(ProviderContext context) {
        if (!sdkPresent()) {
            throw ProviderException.configuration(missingSdk());
        }
        return DatabricksProvider.open(context);
    }

    private static String missingSdk() {
        return "lakebase.provider=databricks needs the Databricks SDK for Java on the test class path: add "
                + SDK_DEPENDENCY + " (" + SDK_VERSION + " or later) as a test dependency.";
    }

    private static boolean sdkPresent() {
        try {
            Class.forName(SDK_CLASS, false, DatabricksProviderFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
