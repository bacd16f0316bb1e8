package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.spring.migration.V1__Items;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @LakebaseBranch} on a Spring Boot JPA test, through lakebase-junit-spring: one cached application
 * context whose {@code DataSource} routes to each test's branch; what a test commits is dropped with its
 * branch. The annotation names the application's migration location, so that the migrated base is kept
 * in a persistent data directory for the next run and Boot's Flyway finds nothing left to apply.
 *
 * <pre>{@code
 * @DataJpaTest
 * @LakebaseBranch(migrations = V1__Items.LOCATION)
 * @Transactional(propagation = Propagation.NOT_SUPPORTED)
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
@LakebaseBranch(migrations = V1__Items.LOCATION)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public class SpringLakebaseSuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }
}
