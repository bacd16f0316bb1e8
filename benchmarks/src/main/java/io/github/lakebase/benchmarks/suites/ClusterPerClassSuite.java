package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * What a PostgreSQL container per test class costs, without Docker: a fresh embedded cluster (initdb,
 * start), migrated, used by the class, and stopped and deleted after it. The tests of such a class
 * share its database, so a fresh database per test costs a class per test; the harness runs the class
 * once per sample.
 *
 * <pre>{@code
 * @BeforeAll static void start() { postgres = EmbeddedPostgres.builder().start(); flyway.migrate(); }
 * @AfterAll static void stop() { postgres.close(); }
 * }</pre>
 */
public class ClusterPerClassSuite {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startCluster() throws IOException {
        postgres = ZonkyServers.configure(EmbeddedPostgres.builder()).start();
        Flyway.configure()
                .dataSource(postgres.getPostgresDatabase())
                .locations(V1__Fill.LOCATION)
                .load()
                .migrate();
    }

    @Test
    void test(TestReporter reporter) throws Exception {
        Workload.run(() -> postgres.getPostgresDatabase().getConnection(), reporter);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        postgres.close();
    }
}
