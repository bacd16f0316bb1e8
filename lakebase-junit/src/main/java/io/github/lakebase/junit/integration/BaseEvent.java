package io.github.lakebase.junit.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A migrated base that a run built or reused, for {@link BaseListener}s: what it is, the migrations it has beyond
 * its parent with how long each took on the parent's data, and the schema diff from the parent to it.
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
 * @param beyondParent the migrations the base has and its parent has not, in the order they ran, with the
 *     durations Flyway recorded when they ran (on a reused base: when an earlier run built it); counted from the
 *     parent also when the base was forked from another base. Empty when the run report is off ({@code
 *     lakebase.report.enabled=false})
 * @param schemaDiff the schema diff from the parent to the base as Markdown ({@code SchemaDiff.toMarkdown()});
 *     empty when the run report is off or the catalogs could not be read (then {@code problem} says why)
 * @param problem why {@code beyondParent} and {@code schemaDiff} could not be read, if they could not
 */
public record BaseEvent(
        String name,
        String parent,
        List<String> migrations,
        int applied,
        boolean reused,
        Duration buildTime,
        List<Migration> beyondParent,
        String schemaDiff,
        Optional<String> problem) {

    /**
     * Copies the lists.
     *
     * @param name the base's name on the provider
     * @param parent the parent it was forked from
     * @param migrations the migration locations applied to it
     * @param applied how many migrations this run applied to it
     * @param reused whether an earlier run built it
     * @param buildTime how long building it took in this run
     * @param beyondParent the migrations beyond the parent, with their durations
     * @param schemaDiff the schema diff from the parent, as Markdown, or empty
     * @param problem why the last two could not be read, if they could not
     */
    public BaseEvent {
        migrations = List.copyOf(migrations);
        beyondParent = List.copyOf(beyondParent);
    }

    /**
     * A base event without the migrations' durations and the schema diff: what a run without a report gives.
     *
     * @param name the base's name on the provider
     * @param parent the parent it was forked from
     * @param migrations the migration locations applied to it
     * @param applied how many migrations this run applied to it
     * @param reused whether an earlier run built it
     * @param buildTime how long building it took in this run
     */
    public BaseEvent(
            String name, String parent, List<String> migrations, int applied, boolean reused, Duration buildTime) {
        this(name, parent, migrations, applied, reused, buildTime, List.of(), "", Optional.empty());
    }

    /**
     * Whether the migrations beyond the parent and the schema diff were read for this base.
     *
     * @return {@code true} when {@link #schemaDiff()} holds the diff
     */
    public boolean reviewed() {
        return !schemaDiff.isEmpty();
    }

    /**
     * One migration a base has beyond its parent, as Flyway's history table records it.
     *
     * <pre>{@code
     * new BaseEvent.Migration("2", "split inventory code", "V2__split_inventory_code.sql", Duration.ofMillis(4120), installedOn);
     * }</pre>
     *
     * @param version its version, empty for a repeatable migration
     * @param description its description
     * @param script its script (or Java class) name
     * @param duration how long it ran, to the millisecond, on the parent's data
     * @param installedOn when it ran
     */
    public record Migration(
            String version, String description, String script, Duration duration, Instant installedOn) {}
}
