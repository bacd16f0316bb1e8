package io.github.lakebase.benchmarks.spring;

import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseProvider.ZONKY;
import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseType.POSTGRES;

import io.github.lakebase.benchmarks.harness.Workload;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The blunt way to a fresh database in Spring: {@code @DirtiesContext} after each test, so that every test
 * gets a new application context, and with it a new database: zonky's embedded PostgreSQL (set up like
 * lakebase-junit's by {@link ZonkySettings}) gives each context one of its own, made from the template
 * of Boot's migrations. Tests commit; each pays for closing its context and starting the next.
 *
 * <pre>{@code
 * @DataJpaTest
 * @AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY)
 * @DirtiesContext(classMode = AFTER_EACH_TEST_METHOD)
 * class ItemRepositoryTest { ... }
 * }</pre>
 */
@SuppressWarnings("deprecation") // measures zonky's own provider as its users configure it
@AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY)
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@Import(ZonkySettings.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public class SpringDirtiesContextSuite extends SpringSuite {

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws SQLException {
        run(reporter);
    }
}
