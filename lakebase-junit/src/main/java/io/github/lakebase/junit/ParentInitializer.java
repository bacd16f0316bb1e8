package io.github.lakebase.junit;

import java.sql.Connection;

/**
 * Fills a parent branch that the library builds for a local run, for example with
 * production-shaped data. Named in configuration, instantiated with its public no-argument
 * constructor, run once per run and parent before the parent is sealed and migrated bases are
 * forked from it.
 *
 * <pre>{@code
 * # junit-platform.properties
 * lakebase.parents=staging
 * lakebase.parent.staging.scripts=classpath:parents/staging-schema.sql
 * lakebase.parent.staging.initializer=com.acme.StagingData
 *
 * public class StagingData implements ParentInitializer {
 *     public void initialize(Connection connection) throws Exception {
 *         try (var s = connection.createStatement()) {
 *             s.execute("INSERT INTO customer SELECT g, 'customer ' || g FROM generate_series(1, 100000) g");
 *         }
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ParentInitializer {

    /**
     * Fills the parent. The connection is in auto-commit mode and is closed afterwards.
     *
     * @param connection a connection to the parent being built
     * @throws Exception any failure, which fails the tests forked from this parent
     */
    void initialize(Connection connection) throws Exception;
}
