package io.github.lakebase.junit.integration;

import java.time.Instant;
import java.util.Optional;

/**
 * A test branch that the library kept instead of dropping it (its test failed under {@code CleanupMode.ON_SUCCESS},
 * or its cleanup is {@code NEVER}), for {@link BaseListener}s: enough to find and reach it, never its password.
 *
 * <pre>{@code
 * new KeptBranch("lbj_k3x9q2a_findsStock_7", "com.example.StockTest.findsStock()", "staging",
 *         "jdbc:postgresql://localhost:5432/lbj_k3x9q2a_findsStock_7", "postgres", Optional.empty());
 * }</pre>
 *
 * @param name the branch's name on the provider
 * @param owner the test that held it: its class and method
 * @param parent the parent its base was forked from, as the test names it
 * @param jdbcUrl its JDBC URL, without secrets
 * @param username the user to connect as
 * @param expiresAt when the provider drops it by itself; empty when it stays until dropped
 */
public record KeptBranch(
        String name, String owner, String parent, String jdbcUrl, String username, Optional<Instant> expiresAt) {}
