package io.github.lakebase.benchmarks.spring;

import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseProvider.ZONKY;
import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseType.POSTGRES;
import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.RefreshMode.AFTER_EACH_TEST_METHOD;

import io.github.lakebase.benchmarks.harness.Workload;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * zonky's embedded-database-spring-test on the Spring application, with its own embedded server (the
 * zonky provider, set up like lakebase-junit's by {@link ZonkySettings}) and
 * {@code refresh = AFTER_EACH_TEST_METHOD}: Boot's Flyway migrates once into a template, and after each
 * test the context's {@code DataSource} is swapped to a new database made from it. Tests commit.
 *
 * <pre>{@code
 * @DataJpaTest
 * @AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY, refresh = AFTER_EACH_TEST_METHOD)
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
@SuppressWarnings("deprecation") // measures zonky's own provider as its users configure it
@AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY, refresh = AFTER_EACH_TEST_METHOD)
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(ZonkySettings.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public class SpringZonkySuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }
}
