package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.config.Configuration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The migrations a run's first test reads while its server starts: read once per run, and without marking their
 * keys as read by the test's configuration, with which the service may yet be created (a service serves the
 * configurations that agree with it on the keys it read, {@link Configuration#readSoFar}).
 */
class MigrationsDigestTests {

    private final Configuration config = new Configuration(
            key -> Optional.empty(), Map.of(), "run1", getClass().getClassLoader(), new ConcurrentHashMap<>());

    @Test
    void readingAheadIsKeptForTheRunAndReadsNoKeyOfTheTestsConfiguration() {
        ForkRequest request = ForkRequest.branch(new BaseSpec("", List.of()), null, "first", null, null);

        MigrationsDigest.readAhead(request, config);

        assertThat(config.readSoFar()).as("keys the test's configuration read").isEmpty();
        Migrations.Plan plan = Migrations.plan(List.of(), config);
        assertThat(plan.locations()).containsExactly("classpath:db/migration");
        assertThat(MigrationsDigest.of(plan, config).digest()).isPresent();
        assertThat(MigrationsDigest.of(plan, config))
                .as("read once for the run")
                .isSameAs(MigrationsDigest.of(plan, config));
    }
}
