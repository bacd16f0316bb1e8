package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.suites.ZonkyServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.function.Consumer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Gives zonky's embedded server the settings of lakebase-junit's ({@link ZonkyServers}), through the
 * customizer bean zonky looks for in the test's context.
 *
 * <pre>{@code
 * @Import(ZonkySettings.class)
 * }</pre>
 */
@TestConfiguration(proxyBeanMethods = false)
public class ZonkySettings {

    /** The customizer of zonky's server. */
    @Bean
    Consumer<EmbeddedPostgres.Builder> sameServerAsLakebase() {
        return ZonkyServers::configure;
    }
}
