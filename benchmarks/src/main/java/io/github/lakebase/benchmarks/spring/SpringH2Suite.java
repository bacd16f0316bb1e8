package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.Workload;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;

/**
 * The baseline users leave for PostgreSQL: {@code @DataJpaTest} as it comes, on an in-memory H2 database
 * that replaces the application's, migrated by Boot's Flyway when the context starts, each test in a
 * transaction rolled back at its end. Fast, but neither PostgreSQL nor a commit.
 *
 * <pre>{@code
 * @DataJpaTest
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
public class SpringH2Suite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }

    @Override
    protected boolean commits() {
        return false;
    }

    @Override
    protected String database() {
        return "H2";
    }
}
