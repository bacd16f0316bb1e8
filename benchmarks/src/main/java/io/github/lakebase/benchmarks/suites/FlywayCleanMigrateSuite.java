package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.benchmarks.harness.CellBudget;
import io.github.lakebase.benchmarks.harness.TestStart;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What many teams do: one test database, and Flyway {@code clean} followed by {@code migrate} before
 * every test, so every test rebuilds the whole database from its migrations.
 *
 * <pre>{@code
 * @BeforeEach
 * void fresh() {
 *     flyway.clean();
 *     flyway.migrate();
 * }
 * }</pre>
 */
@ExtendWith({CellBudget.class, TestStart.class})
public class FlywayCleanMigrateSuite {

    private static final String DATABASE = "bench_flyway";

    /** Only for the server: lakebase-junit starts it, this suite uses plain SQL and Flyway on it. */
    @LakebaseBranch
    static Branch server;

    private static BorrowedServer postgres;
    private static Flyway flyway;

    @BeforeAll
    static void createDatabase() throws SQLException {
        postgres = new BorrowedServer(server);
        postgres.execute("CREATE DATABASE " + DATABASE);
        flyway = Flyway.configure()
                .dataSource(postgres.url(DATABASE), postgres.username(), postgres.password())
                .locations(V1__Fill.LOCATION)
                .cleanDisabled(false)
                .load();
    }

    @BeforeEach
    void cleanAndMigrate() {
        flyway.clean();
        flyway.migrate();
    }

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws Exception {
        Workload.run(() -> postgres.connect(DATABASE), reporter);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        postgres.execute("DROP DATABASE " + DATABASE + " WITH (FORCE)");
    }
}
