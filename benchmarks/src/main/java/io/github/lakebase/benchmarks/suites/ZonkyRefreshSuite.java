package io.github.lakebase.benchmarks.suites;

import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseProvider.ZONKY;
import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseType.POSTGRES;
import static io.zonky.test.db.AutoConfigureEmbeddedDatabase.RefreshMode.AFTER_EACH_TEST_METHOD;

import io.github.lakebase.benchmarks.harness.CellBudget;
import io.github.lakebase.benchmarks.harness.TestStart;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The closest peer: zonky's embedded-database-spring-test with its own embedded server (the zonky
 * provider) and {@code refresh = AFTER_EACH_TEST_METHOD}. It migrates once into a template, gives each
 * test a database created from it (prefetched in the background), and swaps the {@code DataSource}
 * of one cached Spring context to it.
 *
 * <pre>{@code
 * @ExtendWith(SpringExtension.class)
 * @AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY, refresh = AFTER_EACH_TEST_METHOD)
 * class ZonkyRefreshSuite { @Autowired DataSource dataSource; ... }
 * }</pre>
 */
@SuppressWarnings("deprecation") // measures zonky's own provider as its users configure it
@ExtendWith({CellBudget.class, TestStart.class, SpringExtension.class})
@ContextConfiguration(classes = ZonkyRefreshSuite.Config.class)
// The type is named because H2 is on the class path too (the Spring cell's baseline).
@AutoConfigureEmbeddedDatabase(type = POSTGRES, provider = ZONKY, refresh = AFTER_EACH_TEST_METHOD)
public class ZonkyRefreshSuite {

    @Autowired
    private DataSource dataSource;

    @RepeatedTest(Workload.REPETITIONS)
    void test(TestReporter reporter) throws Exception {
        Workload.run(dataSource::getConnection, reporter);
    }

    /** The application's configuration: Flyway on the data source, which zonky replaces. */
    @Configuration
    static class Config {

        @Bean(initMethod = "migrate")
        Flyway flyway(DataSource dataSource) {
            return Flyway.configure()
                    .dataSource(dataSource)
                    .locations(V1__Fill.LOCATION)
                    .load();
        }

        @Bean
        Consumer<EmbeddedPostgres.Builder> sameServerAsLakebase() {
            return ZonkyServers::configure;
        }
    }
}
