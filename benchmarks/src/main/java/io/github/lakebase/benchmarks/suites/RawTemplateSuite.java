package io.github.lakebase.benchmarks.suites;

import io.github.lakebase.benchmarks.harness.CellBudget;
import io.github.lakebase.benchmarks.harness.TestStart;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The limit: what a fresh database costs with nothing but SQL. One admin session clones the migrated
 * parent for each test ({@code CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY} with
 * {@code file_copy_method = clone}), the test connects to it, and the clone is dropped afterwards.
 * This is the floor under any template-based approach on the same server. With the system property
 * {@value #STRATEGY_PROPERTY}{@code =WAL_LOG} it clones with PostgreSQL's default strategy instead.
 *
 * <pre>{@code
 * @BeforeEach
 * void createDatabase(RepetitionInfo repetition) {
 *     admin.execute("CREATE DATABASE bench_raw_" + repetition.getCurrentRepetition()
 *             + " TEMPLATE bench_raw_parent STRATEGY FILE_COPY");
 * }
 * }</pre>
 */
@ExtendWith({CellBudget.class, TestStart.class})
public class RawTemplateSuite {

    /** The system property with the {@code STRATEGY} of {@code CREATE DATABASE}: {@code FILE_COPY} (the default). */
    public static final String STRATEGY_PROPERTY = "bench.strategy";

    private static final String PARENT = "bench_raw_parent";
    private static final String STRATEGY = System.getProperty(STRATEGY_PROPERTY, "FILE_COPY");

    /** Only for the server: lakebase-junit starts it, this suite uses plain SQL on it. */
    @LakebaseBranch
    static Branch server;

    private static BorrowedServer postgres;
    private static Connection admin;
    private String database;

    @BeforeAll
    static void buildParent() throws SQLException {
        postgres = new BorrowedServer(server);
        postgres.execute("CREATE DATABASE " + PARENT);
        Flyway.configure()
                .dataSource(postgres.url(PARENT), postgres.username(), postgres.password())
                .locations(V1__Fill.LOCATION)
                .load()
                .migrate();
        admin = postgres.connect("postgres");
        try (Statement s = admin.createStatement()) {
            s.execute("SET file_copy_method = clone");
        }
    }

    @BeforeEach
    void createDatabase(RepetitionInfo repetition) throws SQLException {
        database = "bench_raw_" + repetition.getCurrentRepetition();
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database + " TEMPLATE " + PARENT + " STRATEGY " + STRATEGY);
        }
    }

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws Exception {
        Workload.run(() -> postgres.connect(database), reporter);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE " + database);
        }
    }

    @AfterAll
    static void dropParent() throws SQLException {
        admin.close();
        postgres.execute("DROP DATABASE " + PARENT);
    }
}
