package io.github.lakebase.junit.integration;

import java.time.Duration;
import java.util.List;

/**
 * A migrated base that a run built or reused, for {@link BaseListener}s.
 *
 * <pre>{@code
 * new BaseEvent("lbj_k3x9q2a_base_2", "staging", List.of("classpath:db/migration"), 3, false, Duration.ofMillis(840));
 * }</pre>
 *
 * @param name the base's name on the provider
 * @param parent the parent it was forked from, as the test names it
 * @param migrations the migration locations applied to it, resolved
 * @param applied how many migrations this run applied to it; 0 when it was reused
 * @param reused whether an earlier run built it and this run forks from it as it is
 * @param buildTime how long building it took in this run (forking, migrating and sealing); zero when reused
 */
public record BaseEvent(
        String name, String parent, List<String> migrations, int applied, boolean reused, Duration buildTime) {

    /**
     * Copies the migrations.
     *
     * @param name the base's name on the provider
     * @param parent the parent it was forked from
     * @param migrations the migration locations applied to it
     * @param applied how many migrations this run applied to it
     * @param reused whether an earlier run built it
     * @param buildTime how long building it took in this run
     */
    public BaseEvent {
        migrations = List.copyOf(migrations);
    }
}
