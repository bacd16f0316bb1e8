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
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The migrations a run's first test reads while its server starts, or a test class reads in the background from its
 * first callback: read once per run, and without marking their
 * keys as read by the test's configuration, with which the service may yet be created (a service serves the
 * configurations that agree with it on the keys it read, {@link Configuration#readSoFar}).
 */
@Isolated("sets a system property that every plan of Flyway's settings reads")
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

    @Test
    void aSettingThatAClassSetsAfterTheReadAheadIsTheOneItsFirstForkPlansWith() throws InterruptedException {
        // As JUnit's configuration parameters do, the settings fall back to system properties, which a class's
        // @BeforeAll method may set after its first callback has begun the read ahead.
        Configuration properties = new Configuration(
                key -> Optional.ofNullable(System.getProperty(key)),
                Map.of(),
                "run2",
                getClass().getClassLoader(),
                run);
        String key = "flyway.placeholders.read_ahead_" + Long.toHexString(System.nanoTime());
        System.setProperty(key, "before");
        try {
            MigrationsDigest.readAheadInBackground(new BaseSpec("", List.of()), properties);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (read().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Object readAhead = read().orElseThrow();

            System.setProperty(key, "after");
            Migrations.Plan plan = Migrations.plan(List.of(), properties);

            assertThat(plan.flyway().fingerprinted().toString())
                    .contains("after")
                    .doesNotContain("before");
            assertThat(MigrationsDigest.of(plan, properties))
                    .as("the digest of the plan read ahead, with the setting as it was")
                    .isNotSameAs(readAhead);
        } finally {
            System.clearProperty(key);
        }
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
