package io.github.lakebase.junit.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the configurations of one run work out once ({@link Configuration#perRun}): shared, not remembered when it
 * fails, and a long value (the digest of a project's migrations) holds up only the callers of its own key.
 */
class PerRunValuesTests {

    private final Configuration config = new Configuration(
            key -> Optional.empty(), Map.of(), "run1", getClass().getClassLoader(), new ConcurrentHashMap<>());

    @Test
    void aValueIsWorkedOutOnceForTheRun() {
        AtomicInteger computed = new AtomicInteger();

        assertThat(config.<Integer>perRun("plan", computed::incrementAndGet)).isEqualTo(1);
        assertThat(config.<Integer>perRun("plan", computed::incrementAndGet)).isEqualTo(1);
        assertThat(computed).hasValue(1);
    }

    @Test
    void aFailureIsNotRemembered() {
        assertThatThrownBy(() -> config.perRun("plan", () -> {
                    throw new IllegalStateException("Flyway refused its configuration");
                }))
                .hasMessage("Flyway refused its configuration");

        assertThat(config.<String>perRun("plan", () -> "planned")).isEqualTo("planned");
    }

    @Test
    void aValueBeingWorkedOutHoldsUpOnlyTheCallersOfItsOwnKey() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<String> slow = threads.submit(() -> config.perRun(new SameHash("digest"), () -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "digest";
            }));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // A key that the run's map keeps beside the slow one (the same hash): asked for while that is worked out.
            Future<String> other = threads.submit(() -> config.perRun(new SameHash("plan"), () -> "plan"));

            assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("plan");
            release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("digest");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    /** Keys that differ but hash alike, as two of a run's keys may. */
    private record SameHash(String name) {
        @Override
        public int hashCode() {
            return 42;
        }
    }
}
