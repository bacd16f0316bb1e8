package io.github.lakebase.junit.integration;

import javax.sql.DataSource;

/**
 * A base that a test framework prepares further before test branches are forked from it: forked from
 * the migrated base of a {@link BaseSpec}, usable through {@link #dataSource()} until it is
 * {@linkplain #seal() sealed}, then a template for test branches. A Spring context runs its start-up
 * schema work on one, so that every test starts from what the application built.
 *
 * <pre>{@code
 * StagedBase staged = TestBranches.stage(context, spec, "spring_context");
 * runStartupSchemaWork(staged.dataSource());
 * staged.seal();
 * // TestIntegration.forkSource(...) now returns staged.name()
 * }</pre>
 *
 * <p>Dropped by {@link #close()}, or with the other bases of the run when the JVM exits.
 */
public interface StagedBase extends AutoCloseable {

    /**
     * The base's name, which {@link TestIntegration#forkSource} returns once it is sealed.
     *
     * @return the provider's name of the base
     */
    String name();

    /**
     * The JDBC URL of the base, for a client that opens connections of its own until it is sealed (Boot's
     * Flyway given a URL of its own, an R2DBC driver).
     *
     * @return the URL, without credentials
     */
    String jdbcUrl();

    /**
     * The user to connect as.
     *
     * @return the user name
     */
    String username();

    /**
     * The password to connect with, asked for at every new connection: a provider's password may be a
     * short-lived token.
     *
     * @return the password
     */
    String password();

    /**
     * A pool on the base, until it is sealed.
     *
     * @return a pooled {@code DataSource}
     */
    DataSource dataSource();

    /**
     * Whether this base was forked from one that an earlier run sealed after the same {@link StartupWork}: the
     * work is done already. Migrations find nothing to apply on it, but the integration skips the work that would
     * not see that it is done (scripts that insert rows, a schema created from entities). Always {@code false} for
     * a base staged without {@link StartupWork}, and where the provider keeps no bases from one run to the next.
     *
     * @return {@code true} when the start-up work is done already
     */
    default boolean reused() {
        return false;
    }

    /**
     * Closes the pool's connections, ends every session on the base, and makes it a template. Then, for a base
     * staged with {@link StartupWork} and not {@linkplain #reused() reused}, keeps a copy for later runs where the
     * provider keeps bases; and tells the {@link BaseListener}s that the base is ready. Later calls do nothing.
     */
    void seal();

    /** Drops the base. */
    @Override
    void close();
}
