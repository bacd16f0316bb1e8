package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.Workload;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What most Spring applications on PostgreSQL do: one database for all tests ({@link SharedDatabase}, on
 * lakebase-junit's embedded server, reached through Boot's own HikariCP pool), and each test in a
 * transaction that is rolled back at its end ({@code @DataJpaTest}'s default). Nothing a test does is
 * committed, so this approach cannot test what happens at a commit.
 *
 * <pre>{@code
 * @DataJpaTest   // @Transactional: rolled back after each test
 * @AutoConfigureTestDatabase(replace = NONE)
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
public class SpringRollbackSuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }

    @Override
    protected boolean commits() {
        return false;
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        SharedDatabase.register(registry);
    }
}
