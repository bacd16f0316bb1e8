package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.API_URL;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.BRANCH_TTL;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.DATABASE;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.DEFAULT_PARENT;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.ENDPOINT_TIMEOUT;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.MAX_BRANCHES;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.OPERATION_TIMEOUT;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.POLL_INTERVAL;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.PROJECT;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.ROLE;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.SLOT_TIMEOUT;
import static io.github.lakebase.junit.internal.neon.NeonProviderFactory.SSL_MODE;

import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.cloud.SslMode;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configuration of the {@code neon} provider, read and checked once, with a message naming the key for
 * every value out of range.
 *
 * @param project the project id
 * @param defaultParent the configured default parent (a branch name or id), or empty for the project's
 *     default branch
 * @param branchTtl the expiry of every branch, extended while the run lives
 * @param keptTtl the expiry of a kept branch ({@code lakebase.kept-ttl}), before Neon's cap
 * @param operationTimeout the longest wait for an operation or for the retries of one call
 * @param endpointTimeout the longest wait for an endpoint's first login
 * @param maxBranches the most branches the run holds at once
 * @param slotTimeout the longest wait for a free branch
 * @param pollInterval the first wait between polls and retries
 * @param database the database to connect to
 * @param role the role to connect as
 * @param sslMode the JDBC {@code sslmode}
 * @param apiUrl the base URL of the API
 */
record NeonSettings(
        String project,
        Optional<String> defaultParent,
        Duration branchTtl,
        Duration keptTtl,
        Duration operationTimeout,
        Duration endpointTimeout,
        int maxBranches,
        Duration slotTimeout,
        Duration pollInterval,
        String database,
        String role,
        String sslMode,
        String apiUrl) {

    /** The longest expiry of a branch in use; sweeps tell kept branches apart by a longer one. */
    static final Duration MAX_BRANCH_TTL = Duration.ofDays(1);
    /** The shortest expiry of a kept branch. */
    static final Duration MIN_KEPT_TTL = Duration.ofDays(2);
    /** The longest expiry the library asks Neon for; Neon may allow less, and the provider then asks for less. */
    static final Duration MAX_TTL = Duration.ofDays(30);

    /** A Neon project id, as the API's path pattern {@code ^[a-z0-9-]{1,60}$} has it. */
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,60}");

    static NeonSettings of(ProviderContext context) {
        String project = context.required(PROJECT);
        if (!ID.matcher(project).matches()) {
            throw ProviderException.configuration(PROJECT + "='" + project + "' is not a Neon project id: 1 to 60 "
                    + "lowercase letters, digits and hyphens (the id, such as still-sun-123456, not the name).");
        }
        return new NeonSettings(
                project,
                context.get(DEFAULT_PARENT),
                context.getDuration(BRANCH_TTL, Duration.ofHours(1), Duration.ofSeconds(2), MAX_BRANCH_TTL),
                context.keptTtl(MIN_KEPT_TTL, MAX_TTL),
                context.getDuration(
                        OPERATION_TIMEOUT, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2)),
                context.getDuration(
                        ENDPOINT_TIMEOUT, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
                context.getInt(MAX_BRANCHES, 5, 2, 5000),
                context.getDuration(SLOT_TIMEOUT, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofHours(6)),
                context.getDuration(POLL_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(1)),
                context.get(DATABASE).orElse("neondb"),
                context.get(ROLE).orElse("neondb_owner"),
                context.getEnum(SSL_MODE, SslMode.class, SslMode.REQUIRE, java.util.List.of())
                        .jdbcValue(),
                context.get(API_URL).orElse("https://console.neon.tech/api/v2"));
    }
}
