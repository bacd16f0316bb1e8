package io.github.lakebase.junit.internal.report;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.KeptBranch;
import java.util.List;

/**
 * The run report as {@code report.json} holds it, version {@value #VERSION}; {@code docs/pull-request-report.md} documents
 * every field. One test JVM writes one of these as its fragment; the report of a build merges the fragments of its
 * JVMs.
 *
 * <pre>{@code
 * ReportDocument merged = ReportDocument.merge("build-1", List.of(fragmentOfJvm1, fragmentOfJvm2));
 * }</pre>
 *
 * @param version the shape's version: {@value #VERSION}
 * @param build the build the JVMs belong to
 * @param runs the run ids of the test JVMs, each also a part of every branch name they created
 * @param bases the bases, in the order they became ready
 * @param keptBranches the branches kept by failed tests (or {@code CleanupMode.NEVER})
 */
record ReportDocument(int version, String build, List<String> runs, List<Base> bases, List<Kept> keptBranches) {

    static final int VERSION = 1;

    ReportDocument {
        runs = List.copyOf(runs);
        bases = List.copyOf(bases);
        keptBranches = List.copyOf(keptBranches);
    }

    /**
     * A base a run built or reused.
     *
     * @param run the run that used it
     * @param name its name on the provider
     * @param parent the parent, as the tests name it
     * @param locations the migration locations
     * @param reused whether an earlier run built it
     * @param buildMillis how long this run took to build it; 0 when reused
     * @param migrations the migrations beyond the parent, with their durations when they ran
     * @param schemaDiff the schema diff from the parent, as Markdown
     * @param problem why the last two are missing, or {@code null}
     * @param idempotency the idempotency check's result; {@code null} in a fragment written before it was reported
     */
    record Base(
            String run,
            String name,
            String parent,
            List<String> locations,
            boolean reused,
            long buildMillis,
            List<Migration> migrations,
            String schemaDiff,
            String problem,
            Idempotency idempotency) {

        /** A base without the idempotency check's result, as a fragment written before it was reported has it. */
        Base(
                String run,
                String name,
                String parent,
                List<String> locations,
                boolean reused,
                long buildMillis,
                List<Migration> migrations,
                String schemaDiff,
                String problem) {
            this(run, name, parent, locations, reused, buildMillis, migrations, schemaDiff, problem, null);
        }

        static Base of(String run, BaseEvent event) {
            return new Base(
                    run,
                    event.name(),
                    event.parent(),
                    event.migrations(),
                    event.reused(),
                    event.buildTime().toMillis(),
                    event.beyondParent().stream().map(Migration::of).toList(),
                    event.schemaDiff(),
                    event.problem().orElse(null),
                    Idempotency.of(event.idempotency()));
        }
    }

    /**
     * The result of a base's idempotency check.
     *
     * @param status {@value #PASSED}, {@value #FAILED} or {@value #NOT_ENABLED}
     * @param migration the migration that could not run twice, as its tool names it; {@code null} unless failed
     * @param error the tool's error; {@code null} unless failed
     */
    record Idempotency(String status, String migration, String error) {

        static final String PASSED = "passed";
        static final String FAILED = "failed";
        static final String NOT_ENABLED = "not-enabled";

        static Idempotency of(BaseEvent.IdempotencyCheck check) {
            String status = switch (check.status()) {
                case PASSED -> PASSED;
                case FAILED -> FAILED;
                case NOT_ENABLED -> NOT_ENABLED;
            };
            return new Idempotency(
                    status, check.migration().orElse(null), check.error().orElse(null));
        }
    }

    /**
     * A migration beyond the parent.
     *
     * @param version its version, empty when repeatable
     * @param description its description
     * @param script its script
     * @param durationMillis how long it ran on the parent's data, in milliseconds
     * @param installedOn when it ran (ISO-8601), or {@code null}
     * @param changeSet a Liquibase changeset's {@code file::id::author}; {@code null} for a Flyway migration
     */
    record Migration(
            String version,
            String description,
            String script,
            long durationMillis,
            String installedOn,
            String changeSet) {

        /** A Flyway migration. */
        Migration(String version, String description, String script, long durationMillis, String installedOn) {
            this(version, description, script, durationMillis, installedOn, null);
        }

        static Migration of(BaseEvent.Migration m) {
            return new Migration(
                    m.version(),
                    m.description(),
                    m.script(),
                    m.duration().toMillis(),
                    m.installedOn() == null ? null : m.installedOn().toString(),
                    m.changeSet().isEmpty() ? null : m.changeSet());
        }
    }

    /**
     * A kept branch and how to reach it.
     *
     * @param run the run that kept it
     * @param name its name
     * @param owner the test that held it
     * @param parent its parent
     * @param jdbcUrl its JDBC URL, without secrets
     * @param username the user to connect as
     * @param expiresAt when the provider drops it (ISO-8601), or {@code null} when it stays until dropped
     */
    record Kept(
            String run, String name, String owner, String parent, String jdbcUrl, String username, String expiresAt) {

        static Kept of(String run, KeptBranch kept) {
            return new Kept(
                    run,
                    kept.name(),
                    kept.owner(),
                    kept.parent(),
                    kept.jdbcUrl(),
                    kept.username(),
                    kept.expiresAt().map(Object::toString).orElse(null));
        }
    }

    /** The report of a build: the fragments of its JVMs, one after another in the order given. */
    static ReportDocument merge(String build, List<ReportDocument> fragments) {
        return new ReportDocument(
                VERSION,
                build,
                fragments.stream().flatMap(f -> f.runs().stream()).toList(),
                fragments.stream().flatMap(f -> f.bases().stream()).toList(),
                fragments.stream().flatMap(f -> f.keptBranches().stream()).toList());
    }
}
