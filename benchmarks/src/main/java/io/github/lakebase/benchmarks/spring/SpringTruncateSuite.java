package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.spring.migration.V1__Items;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * One database for all tests ({@link SharedDatabase}), tests that commit, and a clean-up after each test:
 * every table of the application truncated in one statement, then the migration's data loaded again, so
 * that the next test starts from the same state.
 *
 * <pre>{@code
 * @AfterEach
 * void truncateEveryTable() {
 *     jdbc.execute("TRUNCATE TABLE item, ... RESTART IDENTITY CASCADE");
 *     loadData();
 * }
 * }</pre>
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public class SpringTruncateSuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }

    private static List<String> tables;

    @Autowired
    private DataSource dataSource;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        SharedDatabase.register(registry);
    }

    @AfterEach
    void truncateEveryTable() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE " + String.join(", ", tables(c)) + " RESTART IDENTITY CASCADE");
            V1__Items.load(c);
        }
    }

    /** The application's tables (all but Flyway's history), found once. */
    private static synchronized List<String> tables(Connection c) throws SQLException {
        if (tables == null) {
            List<String> found = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                            + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                            + "AND table_name <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            tables = List.copyOf(found);
        }
        return tables;
    }
}
