package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.config.Configuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The migrations a run's first test reads while its server starts, or a test class reads in the background from its
 * first callback: read once per run, and without marking their
 * keys as read by the test's configuration, with which the service may yet be created (a service serves the
 * configurations that agree with it on the keys it read, {@link Configuration#readSoFar}).
 */
class MigrationsDigestTests {

    private final Map<Object, Object> run = new ConcurrentHashMap<>();
    private final Configuration config = new Configuration(
            key -> Optional.empty(), Map.of(), "run1", getClass().getClassLoader(), run);

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

    @Test
    void readingAheadInTheBackgroundLeavesTheDigestForTheRunsFirstTest() throws InterruptedException {
        MigrationsDigest.readAheadInBackground(new BaseSpec("", List.of()), config);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (read().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(read())
                .as("the migrations read in the background within 10 s")
                .isPresent();
        assertThat(config.readSoFar()).as("keys the class's configuration read").isEmpty();
        assertThat(MigrationsDigest.of(Migrations.plan(List.of(), config), config))
                .as("what the first test's fork reads: the digest read ahead, not read again")
                .isSameAs(read().orElseThrow());
    }

    /** The digest the run holds, once read. */
    private Optional<Object> read() {
        return run.values().stream()
                .filter(v -> v instanceof CompletableFuture<?> f && f.isDone() && !f.isCompletedExceptionally())
                .map(v -> (Object) ((CompletableFuture<?>) v).join())
                .filter(MigrationsDigest.class::isInstance)
                .findFirst();
    }
}
