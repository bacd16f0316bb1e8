package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @LakebaseBranch} on a Spring Boot JPA test, through lakebase-junit-spring: one cached application
 * context whose {@code DataSource} routes to each test's branch; what a test commits is dropped with its
 * branch. The application migrates itself, as in a user's Spring test: Boot's Flyway, with the application's
 * {@code spring.flyway.*} settings, builds the staged base every branch is forked from, which a persistent data
 * directory keeps for the next run.
 *
 * <pre>{@code
 * @DataJpaTest
 * @LakebaseBranch
 * @Transactional(propagation = Propagation.NOT_SUPPORTED)
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
@LakebaseBranch
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public class SpringLakebaseSuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }
}
