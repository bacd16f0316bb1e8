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
 * @param idempotency the result of the idempotency check of its migrations ({@code
 *     lakebase.migrations.check-idempotency}); on a reused base, that of the run that built it
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
        Optional<String> problem,
        IdempotencyCheck idempotency) {

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
     * @param idempotency the idempotency check's result
     */
    public BaseEvent {
        migrations = List.copyOf(migrations);
        beyondParent = List.copyOf(beyondParent);
        java.util.Objects.requireNonNull(idempotency, "idempotency");
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
        this(
                name,
                parent,
                migrations,
                applied,
                reused,
                buildTime,
                List.of(),
                "",
                Optional.empty(),
                IdempotencyCheck.NOT_ENABLED);
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
     * One migration a base has beyond its parent: a Flyway migration as Flyway's history table records it, or a
     * Liquibase changeset as {@code DATABASECHANGELOG} records it, with the duration the library measured when it
     * ran (Liquibase records none).
     *
     * <pre>{@code
     * new BaseEvent.Migration("2", "split inventory code", "V2__split_inventory_code.sql", Duration.ofMillis(4120), installedOn);
     * new BaseEvent.Migration("", "addColumn tableName=stock", "db/changelog/release2.xml",
     *         Duration.ofMillis(4120), installedOn, "db/changelog/release2.xml::split-code::alice");
     * }</pre>
     *
     * @param version its version, empty for a repeatable Flyway migration and for a changeset
     * @param description its description (Liquibase's for a changeset: its changes, {@code sql (x3)})
     * @param script its script (or Java class) name; a changeset's changelog file
     * @param duration how long it ran, to the millisecond, on the parent's data
     * @param installedOn when it ran
     * @param changeSet a changeset's {@code file::id::author}; empty for a Flyway migration
     */
    public record Migration(
            String version,
            String description,
            String script,
            Duration duration,
            Instant installedOn,
            String changeSet) {

        /**
         * A Flyway migration.
         *
         * @param version its version, empty for a repeatable migration
         * @param description its description
         * @param script its script (or Java class) name
         * @param duration how long it ran, to the millisecond, on the parent's data
         * @param installedOn when it ran
         */
        public Migration(String version, String description, String script, Duration duration, Instant installedOn) {
            this(version, description, script, duration, installedOn, "");
        }
    }

    /**
     * The result of the idempotency check of a base's migrations ({@code lakebase.migrations.check-idempotency=true}
     * re-applies, on a throwaway branch of the fresh base, every migration it applied beyond its parent).
     *
     * <pre>{@code
     * new BaseEvent.IdempotencyCheck(Status.FAILED, Optional.of("V2 (parcel weight) in V2__parcel_weight.sql"),
     *         Optional.of("ERROR: column \"weight_grams\" of relation \"parcel\" already exists"));
     * }</pre>
     *
     * @param status whether it ran, and how it ended
     * @param migration the migration that could not run twice, as its tool names it ({@code V2 (parcel weight) in
     *     V2__parcel_weight.sql}, {@code db/changelog/release2.xml::split-code::alice}); empty unless it failed
     * @param error the tool's error; empty unless it failed
     */
    public record IdempotencyCheck(Status status, Optional<String> migration, Optional<String> error) {

        /** The check was not asked for. */
        public static final IdempotencyCheck NOT_ENABLED =
                new IdempotencyCheck(Status.NOT_ENABLED, Optional.empty(), Optional.empty());

        /** Every migration beyond the parent ran a second time without an error. */
        public static final IdempotencyCheck PASSED =
                new IdempotencyCheck(Status.PASSED, Optional.empty(), Optional.empty());

        /**
         * A check that failed.
         *
         * @param migration the migration that could not run twice, as its tool names it
         * @param error the tool's error
         * @return the failed check
         */
        public static IdempotencyCheck failed(String migration, String error) {
            return new IdempotencyCheck(Status.FAILED, Optional.of(migration), Optional.of(error));
        }

        /** How an idempotency check ended. */
        public enum Status {
            /** Not asked for ({@code lakebase.migrations.check-idempotency} is {@code false}, the default). */
            NOT_ENABLED,
            /** Every migration beyond the parent ran a second time; the base's tests ran. */
            PASSED,
            /** A migration could not run twice; the base was dropped and the tests that needed it failed. */
            FAILED
        }
    }
}
