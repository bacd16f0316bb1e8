package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.BRANCH_TTL;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.DATABASE;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.DEFAULT_PARENT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.ENDPOINT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.ENDPOINT_TIMEOUT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.MAX_BRANCHES;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.OPERATION_TIMEOUT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.POLL_INTERVAL;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.PORT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.PROJECT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.SLOT_TIMEOUT;
import static io.github.lakebase.junit.internal.databricks.DatabricksProviderFactory.SSL_MODE;

import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.cloud.SslMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configuration of the {@code lakebase} provider, read and checked once, with a message naming the
 * key for every value out of range.
 *
 * @param project the project id
 * @param defaultParent the configured default parent, or empty for the project's default branch
 * @param branchTtl the expiry of every branch, extended while the run lives
 * @param keptTtl the expiry of a kept branch ({@code lakebase.kept-ttl}), before the workspace's cap
 * @param operationTimeout the longest wait for an operation or for the retries of one call
 * @param endpointTimeout the longest wait for an endpoint's host and first login
 * @param maxBranches the most branches the run holds at once
 * @param slotTimeout the longest wait for a free branch
 * @param pollInterval the first wait between polls and retries
 * @param endpoint the endpoint id of each branch
 * @param database the database to connect to
 * @param port the PostgreSQL port
 * @param sslMode the JDBC {@code sslmode}
 */
record DatabricksSettings(
        String project,
        Optional<String> defaultParent,
        Duration branchTtl,
        Duration keptTtl,
        Duration operationTimeout,
        Duration endpointTimeout,
        int maxBranches,
        Duration slotTimeout,
        Duration pollInterval,
        String endpoint,
        String database,
        int port,
        String sslMode) {

    /**
     * The longest expiry of a branch in use. Sweeps tell a kept branch from one of a dead run by its
     * expiry lying further than this past its last update, so the two ranges never meet.
     */
    static final Duration MAX_BRANCH_TTL = Duration.ofDays(1);
    /** The shortest expiry of a kept branch; see {@link #MAX_BRANCH_TTL}. */
    static final Duration MIN_KEPT_TTL = Duration.ofDays(2);
    /** The longest expiry Lakebase accepts (a workspace policy may allow less). */
    static final Duration MAX_TTL = Duration.ofDays(30);

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    static DatabricksSettings of(ProviderContext context) {
        ProviderContext config = context;
        String project = context.required(PROJECT);
        if (project.startsWith("projects/")) {
            project = project.substring("projects/".length());
        }
        if (!ID.matcher(project).matches()) {
            throw ProviderException.configuration(
                    PROJECT + "='" + project + "' is not a Lakebase project id: 1 to "
                            + "63 lowercase letters, digits and hyphens, starting with a letter (the id, not the display name).");
        }
        return new DatabricksSettings(
                project,
                context.get(DEFAULT_PARENT).map(DatabricksSettings::branchId),
                config.getDuration(BRANCH_TTL, Duration.ofHours(1), Duration.ofSeconds(2), MAX_BRANCH_TTL),
                context.keptTtl(MIN_KEPT_TTL, MAX_TTL),
                config.getDuration(
                        OPERATION_TIMEOUT, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2)),
                config.getDuration(ENDPOINT_TIMEOUT, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
                config.getInt(MAX_BRANCHES, 5, 2, 500),
                config.getDuration(SLOT_TIMEOUT, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofHours(6)),
                config.getDuration(POLL_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(1)),
                context.get(ENDPOINT).orElse("primary"),
                context.get(DATABASE).orElse("databricks_postgres"),
                config.getInt(PORT, 5432, 1, 65535),
                config.getEnum(SSL_MODE, SslMode.class, SslMode.REQUIRE, List.of())
                        .jdbcValue());
    }

    /** The resource name of the project. */
    String projectName() {
        return "projects/" + project;
    }

    /** The resource name of a branch of the project. */
    String branchName(String branchId) {
        return projectName() + "/branches/" + branchId;
    }

    /** The resource name of the endpoint to connect to on a branch. */
    String endpointName(String branchId) {
        return branchName(branchId) + "/endpoints/" + endpoint;
    }

    /** The branch id in a branch id or a resource name such as {@code projects/p/branches/b}. */
    static String branchId(String nameOrId) {
        int slash = nameOrId.lastIndexOf("/branches/");
        return slash < 0 ? nameOrId : nameOrId.substring(slash + "/branches/".length());
    }
}
